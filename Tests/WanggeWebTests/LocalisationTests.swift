import Foundation
import Testing
@testable import WanggeCore
import WanggeStore
@testable import WanggeWeb

/// Every string a user sees comes from the one table; a key used in code but missing from it
/// would show up on screen as "import.done". These tests read the sources to find every key.
@Suite("Localisation table")
struct LocalisationTests {
    static let sources: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    static func literalKeys() throws -> Set<String> {
        let pattern = try NSRegularExpression(pattern: #"(?:L10n\.t|HTML\.t|\.t|L10n\.format|StoreError\([^"]*|FieldProblem\([^"]*"[a-z_]+",\s*)\(\s*"?([a-z_]+\.[a-z_.]+)""#)
        var keys: Set<String> = []
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 30)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                keys.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        return keys
    }

    @Test("every literal key used in the sources is in the table")
    func literalKeysExist() throws {
        let keys = try Self.literalKeys()
        #expect(keys.count > 60, "the scan found \(keys.count) keys; the pattern may be broken")
        let missing = keys.filter { !L10n.has($0) }.sorted()
        #expect(missing.isEmpty, "missing from L10n: \(missing)")
    }

    @Test("no key is defined in two parts of the table (one would silently hide the other)")
    func noDuplicateKeys() {
        var seen: [String: Int] = [:]
        for (i, part) in L10n.parts.enumerated() {
            for key in part.keys { #expect(seen[key] == nil, "\(key) defined in parts \(seen[key] ?? -1) and \(i)"); seen[key] = i }
        }
    }

    @Test("every vocabulary value, level, role and tag has a Chinese and an English name")
    func vocabulariesExist() {
        var keys: [String] = []
        keys += Vocabulary.residenceTypes.map { "residence.\($0)" }
        keys += Vocabulary.relations.map { "relation.\($0)" }
        keys += Vocabulary.householdKinds.map { "household.\($0)" }
        keys += Vocabulary.buildingKinds.map { "building.\($0)" }
        keys += Vocabulary.componentClasses.map { "component.\($0)" }
        keys += Vocabulary.componentStates.map { "component.state.\($0)" }
        keys += Vocabulary.organisationKinds.map { "organisation.\($0)" }
        keys += DemoResident.tagKeys.map { "tag.\($0)" }
        keys += ImportKind.allCases.map { "import.kind.\($0.rawValue)" }
        keys += SourceEncoding.allCases.map { "text.encoding.\($0.rawValue)" }
        keys += UnitLevel.allCases.map(\.nameKey) + Role.allCases.map(\.nameKey)
        keys += SocialLogCategory.allCases.map(\.nameKey) + NeedState.allCases.map(\.nameKey) + NeedActionKind.allCases.map { "need.action.\($0.rawValue)" }
        for key in keys {
            #expect(L10n.has(key), "missing \(key)")
            #expect(L10n.t(key, lang: .zh) != L10n.t(key, lang: .en) || key.hasPrefix("text.encoding."), "\(key) has no Chinese")
        }
    }
}
