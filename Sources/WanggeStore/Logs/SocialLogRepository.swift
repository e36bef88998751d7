import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// One entry of a grid's social log (社情日志).
public struct SocialLogEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    /// The grid's name, for a community's roll-up where entries of many grids are listed together.
    public var unitName: String
    public var day: String
    public var text: String
    public var category: SocialLogCategory?
    public var place: String?
    public var authorName: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, day, text, category, place
        case unitID = "unit_id", unitName = "unit_name", authorName = "author_name", createdAt = "created_at"
    }

    static let columns = "e.id, e.unit_id, u.name AS unit_name, e.day, e.text, e.category, e.place, e.author_name, e.created_at"
}

/// What a grid worker writes; the day defaults to today.
public struct SocialLogDraft: Sendable, Equatable {
    public var day: String?
    public var text: String
    public var category: String?
    public var place: String?

    public init(day: String? = nil, text: String, category: String? = nil, place: String? = nil) {
        (self.day, self.text, self.category, self.place) = (day, text, category, place)
    }
}

/// Which entries to list: under a unit (a grid, or a community for its roll-up), with words and a
/// range of days, newest first, a page at a time after the last entry seen.
public struct SocialLogFilter: Sendable, Equatable {
    public var words: String?
    public var from: String?
    public var to: String?

    public init(words: String? = nil, from: String? = nil, to: String? = nil) {
        (self.words, self.from, self.to) = (words, from, to)
    }

    public static let maxWords = 50
}

/// Keeps the social log. Entries belong to a grid, so every read and write takes a `Scope`; a grid
/// outside it is missing (404).
public struct SocialLogRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    public static let maxText = 2000
    public static let maxPlace = 100

    /// Writes an entry under `gridID`, which must be a grid in `scope`.
    public func add(_ draft: SocialLogDraft, to gridID: UUID, author: CaseActor, at now: Date, in scope: Scope) async throws -> SocialLogEntry {
        let grid = try await UnitRepository(db).get(gridID, in: scope)
        guard grid.level == .grid else { throw StoreError(.invalid, "log.not_grid", field: "unit") }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError(.invalid, "log.text_required", field: "text") }
        guard text.count <= Self.maxText else { throw StoreError(.invalid, "log.too_long", [String(Self.maxText)], field: "text") }
        let place = draft.place?.trimmingSpaces().trimmedOrNil
        guard (place?.count ?? 0) <= Self.maxPlace else { throw StoreError(.invalid, "log.too_long", [String(Self.maxPlace)], field: "place") }
        var category: SocialLogCategory?
        if let raw = draft.category?.trimmingSpaces().trimmedOrNil {
            guard let known = SocialLogCategory(rawValue: raw) else { throw StoreError(.invalid, "log.bad_category", field: "category") }
            category = known
        }
        let today = SimpleDate(now)
        let day = try RecordedDay.parse(draft.day, today: today) ?? today
        let entry = SocialLogEntry(
            id: UUID(), unitID: grid.id, unitName: grid.name, day: day.description, text: text, category: category, place: place,
            authorName: author.name, createdAt: now)
        try await sql.raw(
            """
            INSERT INTO social_log_entries (id, unit_id, day, text, category, place, author_id, author_name, created_at) \
            VALUES (\(bind: entry.id), \(bind: grid.id), \(bind: entry.day), \(bind: text), \(bind: category?.rawValue), \(bind: place), \
            \(bind: author.id), \(bind: author.name), \(bind: now))
            """
        ).run()
        return entry
    }

    /// Entries of `unitID` and every grid below it (a community sees all its grids'), newest day
    /// first, `limit` at a time after `after` (the last entry of the previous page).
    public func list(
        under unitID: UUID, _ filter: SocialLogFilter = SocialLogFilter(), after: UUID? = nil, limit: Int = 50, in scope: Scope
    ) async throws -> [SocialLogEntry] {
        let unit = try await UnitRepository(db).get(unitID, in: scope)
        var parts: [SQLQueryString] = [
            "\(Scope.under("u.path", unit.path))", scope.condition("e.unit_id"),
        ]
        for (value, op, field) in [(filter.from, ">=", "from"), (filter.to, "<=", "to")] {
            guard let raw = value?.trimmingSpaces().trimmedOrNil else { continue }
            guard let day = SimpleDate(iso: raw) else { throw StoreError(.invalid, "log.bad_day", field: field) }
            parts.append("e.day \(unsafeRaw: op) \(bind: day.description)")
        }
        if let words = filter.words?.trimmingSpaces().trimmedOrNil {
            guard words.count <= SocialLogFilter.maxWords else { throw StoreError(.invalid, "log.too_long", [String(SocialLogFilter.maxWords)], field: "q") }
            // Every word must appear, in the text or the place.
            for word in words.split(whereSeparator: \.isWhitespace) {
                let like = "%" + ResidentRepository.likePrefix(String(word))
                parts.append("(e.text LIKE \(bind: like) ESCAPE '\\' OR e.place LIKE \(bind: like) ESCAPE '\\')")
            }
        }
        if let after, let last = try await sql.raw("SELECT day FROM social_log_entries WHERE id = \(bind: after)").first(decoding: DayRow.self) {
            parts.append("(e.day, e.id) < (\(bind: last.day), \(bind: after))")
        }
        var condition = parts[0]
        for p in parts.dropFirst() { condition = "\(condition) AND \(p)" }
        return try await sql.raw(
            """
            SELECT \(unsafeRaw: SocialLogEntry.columns) FROM social_log_entries e JOIN units u ON u.id = e.unit_id \
            WHERE \(condition) ORDER BY e.day DESC, e.id DESC LIMIT \(count: limit)
            """
        ).all(decoding: SocialLogEntry.self)
    }

    private struct DayRow: Decodable { var day: String }
}
