/// National unit-grid codes (GB/T 30428.1, DB11/T 2157-2023; G2).
///
/// district 6 digits (GB/T 2260 county) · street/town +3 (GB/T 10114) · community/village +3 ·
/// grid +3 = 15 digits. The standard stops at the grid, so the optional levels below it
/// (zone, estate, block, entrance) append "-" and a sequence of two or more digits.
public enum UnitCode {
    /// What GB/T 10114 says a street-level code is, by its number range.
    public enum StreetKind: String, Sendable, Codable, CaseIterable {
        case subdistrict  // 街道 001–099
        case town  // 镇 100–199
        case township  // 乡 200–399

        public var nameKey: String { "code.streetKind.\(rawValue)" }
    }

    /// Digits each numbered level adds, in order (district, street, community, grid).
    static let segmentWidths = [6, 3, 3, 3]

    /// The province codes of GB/T 2260. A plain 11–82 range would accept 16–20, 24–30 and
    /// so on, which no region has; rejecting them catches swapped digits early.
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
        41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
        71, 81, 82,
    ]

    /// Length of a numbered code at `level`, or nil below the grid.
    public static func digitCount(for level: UnitLevel) -> Int? {
        level <= .grid ? segmentWidths.prefix(level.depth + 1).reduce(0, +) : nil
    }

    /// Checks a code for `level`. When `parentCode` is given the code must extend it.
    public static func validate(_ code: String, level: UnitLevel, parentCode: String?) throws(UnitCodeProblem) {
        guard !code.isEmpty else { throw .empty }
        if level == .district, let parentCode, !parentCode.isEmpty { throw .districtHasParent }
        if let width = digitCount(for: level) {
            guard isDigits(code) else { throw .notDigits(code) }
            guard code.utf8.count == width else { throw .wrongLength(level: level, expected: width, actual: code.utf8.count) }
            try checkNumbered(Array(code.utf8))
        } else {
            try checkBelowGrid(code, level: level)
        }
        if let parentCode, !parentCode.isEmpty, !isExtension(code, of: parentCode, level: level) {
            throw .notUnderParent(code: code, parentCode: parentCode)
        }
    }

    /// True when `code` is valid for `level` (and under `parentCode` if given).
    public static func isValid(_ code: String, level: UnitLevel, parentCode: String? = nil) -> Bool {
        (try? validate(code, level: level, parentCode: parentCode)) != nil
    }

    /// The code of the `sequence`-th child at `childLevel`. For a district there is no
    /// parent to extend, so `sequence` is the six-digit county code itself.
    public static func child(parentCode: String, childLevel: UnitLevel, sequence: Int) -> String {
        switch childLevel {
        case .district: return String.zeroPadded(sequence, width: 6)
        case .street, .community, .grid: return parentCode + String.zeroPadded(sequence, width: 3)
        case .zone, .estate, .block, .entrance: return parentCode + "-" + String.zeroPadded(sequence, width: 2)
        }
    }

    /// Street kind from a street code or any longer code that starts with one.
    public static func streetKind(_ code: String) -> StreetKind? {
        let bytes = Array(code.utf8)
        guard bytes.count >= 9, isDigits(String(decoding: bytes.prefix(9), as: UTF8.self)) else { return nil }
        return streetKind(number: number(bytes, 6, 3))
    }

    static func streetKind(number n: Int) -> StreetKind? {
        switch n {
        case 1...99: return .subdistrict
        case 100...199: return .town
        case 200...399: return .township
        default: return nil
        }
    }

    /// Groups the numbered part for reading aloud or on paper: "110105 001 002 003-01".
    /// Anything that is not a numbered code comes back unchanged.
    public static func display(_ code: String) -> String {
        let dash = code.firstIndex(of: "-")
        let head = String(code[..<(dash ?? code.endIndex)])
        let tail = dash.map { String(code[$0...]) } ?? ""
        guard isDigits(head), [6, 9, 12, 15].contains(head.utf8.count) else { return code }
        var groups = [String(head.prefix(6))]
        var rest = head.dropFirst(6)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(3)))
            rest = rest.dropFirst(3)
        }
        return groups.joined(separator: " ") + tail
    }

    // MARK: - Checks

    static func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { (48...57).contains($0) }
    }

    static func number(_ bytes: [UInt8], _ start: Int, _ width: Int) -> Int {
        bytes[start..<start + width].reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// Whether `code` is `parentCode` plus exactly one segment of `level`.
    static func isExtension(_ code: String, of parentCode: String, level: UnitLevel) -> Bool {
        guard code.hasPrefix(parentCode) else { return false }
        let rest = code.dropFirst(parentCode.count)
        if level > .grid { return rest.hasPrefix("-") && !rest.dropFirst().contains("-") }
        return rest.utf8.count == 3
    }

    static func checkNumbered(_ b: [UInt8]) throws(UnitCodeProblem) {
        let county = String(decoding: b.prefix(6), as: UTF8.self)
        guard provinces.contains(number(b, 0, 2)) else { throw .badProvince(county) }
        guard number(b, 4, 2) != 0 else { throw .notCounty(county) }
        let ranges: [(UnitLevel, ClosedRange<Int>)] = [(.street, 1...399), (.community, 1...999), (.grid, 1...999)]
        for (i, (level, range)) in ranges.enumerated() where b.count >= 9 + 3 * i {
            let n = number(b, 6 + 3 * i, 3)
            guard range.contains(n) else {
                throw .outOfRange(
                    level: level, segment: String.zeroPadded(n, width: 3),
                    lowest: range.lowerBound, highest: range.upperBound)
            }
        }
    }

    static func checkBelowGrid(_ code: String, level: UnitLevel) throws(UnitCodeProblem) {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let gridCode = parts[0]
        guard isDigits(gridCode), gridCode.utf8.count == 15 else { throw .notUnderGrid(code) }
        try checkNumbered(Array(gridCode.utf8))
        let suffixes = parts.dropFirst()
        // Optional levels may be skipped, so a block may carry one to three suffixes.
        guard !suffixes.isEmpty, suffixes.count <= level.depth - UnitLevel.grid.depth else {
            throw .wrongSuffixCount(level: level, count: suffixes.count)
        }
        for s in suffixes {
            guard isDigits(s), s.utf8.count >= 2, s.utf8.contains(where: { $0 != 48 }) else { throw .badSuffix(s) }
        }
    }
}

public enum UnitCodeProblem: LocalizedProblem {
    case empty
    case notDigits(String)
    case wrongLength(level: UnitLevel, expected: Int, actual: Int)
    /// The first two digits are no GB/T 2260 province.
    case badProvince(String)
    /// The six digits name a province or prefecture, not a county ("…00").
    case notCounty(String)
    case outOfRange(level: UnitLevel, segment: String, lowest: Int, highest: Int)
    case notUnderParent(code: String, parentCode: String)
    case districtHasParent
    /// A code below the grid must start with a valid 15-digit grid code.
    case notUnderGrid(String)
    case wrongSuffixCount(level: UnitLevel, count: Int)
    case badSuffix(String)

    public var messageKey: String {
        switch self {
        case .empty: "code.empty"
        case .notDigits: "code.notDigits"
        case .wrongLength: "code.wrongLength"
        case .badProvince: "code.badProvince"
        case .notCounty: "code.notCounty"
        case .outOfRange: "code.outOfRange"
        case .notUnderParent: "code.notUnderParent"
        case .districtHasParent: "code.districtHasParent"
        case .notUnderGrid: "code.notUnderGrid"
        case .wrongSuffixCount: "code.wrongSuffixCount"
        case .badSuffix: "code.badSuffix"
        }
    }

    public var args: [String] {
        switch self {
        case .empty, .districtHasParent: []
        case .notDigits(let s), .badProvince(let s), .notCounty(let s), .notUnderGrid(let s), .badSuffix(let s): [s]
        case .wrongLength(let level, let expected, let actual): [L10n.term(level.nameKey), "\(expected)", "\(actual)"]
        case .outOfRange(let level, let segment, let lo, let hi):
            [L10n.term(level.nameKey), segment, String.zeroPadded(lo, width: 3), String.zeroPadded(hi, width: 3)]
        case .notUnderParent(let code, let parent): [code, parent]
        case .wrongSuffixCount(let level, let count): [L10n.term(level.nameKey), "\(count)"]
        }
    }
}
