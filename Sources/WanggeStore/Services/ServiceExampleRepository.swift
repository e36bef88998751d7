import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A worked example (服务案例): a closed request or case written up without personal data.
public struct ServiceExample: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var caseID: UUID?
    public var serviceKey: String?
    public var serviceName: String?
    public var categoryKey: String?
    public var outcome: CaseOutcome
    public var title: String
    public var text: String
    public var keywords: [String]
    public var published: Bool
    public var savedBy: String
    public var savedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, outcome, title, text, keywords, published
        case caseID = "case_id", serviceKey = "service_key", serviceName = "service_name", categoryKey = "category_key"
        case savedBy = "saved_by", savedAt = "saved_at"
    }

    struct Stored: Decodable {
        var id: UUID
        var case_id: UUID?
        var service_key: String?
        var service_name: String?
        var category_key: String?
        var outcome: String
        var title: String
        var text: String
        var keywords: String
        var published: Bool
        var saved_by: String
        var saved_at: Date

        var row: ServiceExample {
            ServiceExample(
                id: id, caseID: case_id, serviceKey: service_key, serviceName: service_name, categoryKey: category_key,
                outcome: CaseOutcome(rawValue: outcome) ?? .solved, title: title, text: text, keywords: ExampleDraft.words(keywords), published: published,
                savedBy: saved_by, savedAt: saved_at)
        }
    }

    static let select = """
        SELECT e.id, e.case_id, e.service_key, s.name_zh AS service_name, e.category_key, e.outcome, e.title, e.text, e.keywords, e.published, \
        e.saved_by, e.saved_at FROM service_examples e LEFT JOIN proxy_services s ON s.key = e.service_key
        """
}

/// A worked example as the form sends it, after the person saving has read the anonymised text.
public struct ExampleDraft: Sendable, Equatable {
    public var title: String
    public var text: String
    public var serviceKey: String?
    public var categoryKey: String?
    public var outcome: String
    public var keywords: [String]
    public var published: Bool

    public init(
        title: String, text: String, serviceKey: String? = nil, categoryKey: String? = nil, outcome: String, keywords: [String] = [], published: Bool = false
    ) {
        (self.title, self.text, self.serviceKey, self.categoryKey) = (title, text, serviceKey, categoryKey)
        (self.outcome, self.keywords, self.published) = (outcome, keywords, published)
    }

    /// Keywords as typed: separated by spaces, commas (either width) or 、.
    public static func words(_ text: String) -> [String] {
        text.split { " ,，、;；\n\t".contains($0) }.map(String.init).filter { !$0.isEmpty }
    }
}

/// What the library is asked for.
public struct ExampleFilter: Sendable, Equatable {
    public var serviceKey: String?
    public var words: String?
    public var outcome: CaseOutcome?
    public var publishedOnly: Bool

    public init(serviceKey: String? = nil, words: String? = nil, outcome: CaseOutcome? = nil, publishedOnly: Bool = false) {
        (self.serviceKey, self.words, self.outcome, self.publishedOnly) = (serviceKey?.trimmedOrNil, words?.trimmedOrNil, outcome, publishedOnly)
    }
}

/// Keeps the library of worked examples. Examples hold no personal data (the anonymiser and the
/// person saving see to it, and a text with an ID number, a phone or a tracking code left in is
/// refused), so the library is the district's, read by all its staff as training material; the
/// case an example comes from must be in the saver's scope and closed.
public struct ServiceExampleRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxTitle = 60
    public static let maxText = 3000
    public static let maxKeywords = 10
    public static let outcomes: [CaseOutcome] = [.solved, .unsolvable]

    /// Saves an example from `caseRow` (closed, in the saver's scope: the caller read it through
    /// the scoped case repository) or, with no case, written up by hand.
    public func save(_ draft: ExampleDraft, from caseRow: CaseRow?, by actor: CaseActor, at now: Date) async throws -> ServiceExample {
        if let c = caseRow {
            guard [.closed, .calledBack].contains(c.state) else { throw StoreError(.invalid, "example.case_open", field: "case") }
            let taken = try await sql.raw("SELECT id FROM service_examples WHERE case_id = \(bind: c.id)").first()
            guard taken == nil else { throw StoreError(.conflict, "example.already_saved") }
        }
        let title = draft.title.trimmingSpaces(), text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw StoreError(.invalid, "field.required", field: "title") }
        guard title.count <= Self.maxTitle else { throw StoreError(.invalid, "log.too_long", [String(Self.maxTitle)], field: "title") }
        guard !text.isEmpty else { throw StoreError(.invalid, "field.required", field: "text") }
        guard text.count <= Self.maxText else { throw StoreError(.invalid, "log.too_long", [String(Self.maxText)], field: "text") }
        for (field, value) in [("title", title), ("text", text)] where !Anonymiser.leftovers(value).isEmpty {
            throw StoreError(.invalid, "example.personal_data", [Anonymiser.leftovers(value).joined(separator: "、")], field: field)
        }
        guard let outcome = CaseOutcome(rawValue: draft.outcome), Self.outcomes.contains(outcome) else {
            throw StoreError(.invalid, "example.bad_outcome", field: "outcome")
        }
        let keywords = Array(Set(draft.keywords.map { $0.trimmingSpaces() }.filter { !$0.isEmpty })).sorted()
        guard keywords.count <= Self.maxKeywords, keywords.allSatisfy({ $0.count <= 20 }) else {
            throw StoreError(.invalid, "example.too_many_keywords", [String(Self.maxKeywords)], field: "keywords")
        }
        let service = draft.serviceKey?.trimmedOrNil, category = draft.categoryKey?.trimmedOrNil ?? caseRow?.categoryKey
        if let service, try await sql.raw("SELECT key FROM proxy_services WHERE key = \(bind: service)").first() == nil {
            throw StoreError(.invalid, "example.unknown_service", field: "service")
        }
        if let category, try await sql.raw("SELECT key FROM case_categories WHERE key = \(bind: category)").first() == nil {
            throw StoreError(.invalid, "case.unknown_category", field: "category")
        }
        guard service != nil || category != nil else { throw StoreError(.invalid, "example.service_or_category", field: "service") }
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO service_examples (id, case_id, unit_id, service_key, category_key, outcome, title, text, keywords, published, saved_by_id, saved_by, saved_at) \
            VALUES (\(bind: id), \(bind: caseRow?.id), \(bind: caseRow?.unitID), \(bind: service), \(bind: category), \(bind: outcome.rawValue), \(bind: title), \
            \(bind: text), \(bind: keywords.joined(separator: " ")), \(bind: draft.published), \(bind: actor.id), \(bind: actor.name), \(bind: now))
            """
        ).run()
        return try await get(id)
    }

    public func find(_ id: UUID) async throws -> ServiceExample? {
        try await sql.raw("\(unsafeRaw: ServiceExample.select) WHERE e.id = \(bind: id)").first(decoding: ServiceExample.Stored.self)?.row
    }

    public func get(_ id: UUID) async throws -> ServiceExample {
        guard let e = try await find(id) else { throw StoreError.notFound("example") }
        return e
    }

    /// The example saved from case `caseID`, if there is one.
    public func forCase(_ caseID: UUID) async throws -> ServiceExample? {
        try await sql.raw("\(unsafeRaw: ServiceExample.select) WHERE e.case_id = \(bind: caseID)").first(decoding: ServiceExample.Stored.self)?.row
    }

    /// The library, newest first: by service, outcome and words (each word in the title, text or keywords).
    public func search(_ f: ExampleFilter, limit: Int = 100) async throws -> [ServiceExample] {
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let s = f.serviceKey { conditions.append("e.service_key = \(bind: s)") }
        if let o = f.outcome { conditions.append("e.outcome = \(bind: o.rawValue)") }
        if f.publishedOnly { conditions.append("e.published = \(bind: true)") }
        for word in ExampleDraft.words(f.words ?? "").prefix(5) {
            let like = "%" + word.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            conditions.append("(e.title LIKE \(bind: like) OR e.text LIKE \(bind: like) OR e.keywords LIKE \(bind: like))")
        }
        let condition = conditions.joined(separator: " AND ")
        return try await sql.raw("\(unsafeRaw: ServiceExample.select) WHERE \(condition) ORDER BY e.saved_at DESC, e.id LIMIT \(count: limit)")
            .all(decoding: ServiceExample.Stored.self).map(\.row)
    }

    /// The published examples, by the service they belong to, for the public catalogue.
    public func published() async throws -> [String: [ServiceExample]] {
        let rows = try await sql.raw(
            "\(unsafeRaw: ServiceExample.select) WHERE e.published = \(bind: true) AND e.service_key IS NOT NULL ORDER BY e.saved_at DESC, e.id"
        ).all(decoding: ServiceExample.Stored.self).map(\.row)
        return Dictionary(grouping: rows) { $0.serviceKey ?? "" }
    }

    /// Publishes an example or takes it back: only one written up in the caller's part of the tree
    /// (a district-wide one, written up from no grid, only from a district scope); else not found.
    public func setPublished(_ id: UUID, _ published: Bool, in scope: Scope) async throws -> ServiceExample {
        let updated = try await sql.raw(
            "UPDATE service_examples SET published = \(bind: published) WHERE id = \(bind: id) AND \(scope.condition("unit_id")) RETURNING id"
        ).all()
        guard updated.count == 1 else { throw StoreError.notFound("example") }
        return try await get(id)
    }
}
