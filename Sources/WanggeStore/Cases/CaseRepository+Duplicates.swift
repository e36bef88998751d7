import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// An existing case a report may duplicate, as the case page lists it.
public struct SuggestedDuplicate: Sendable, Equatable {
    public var row: CaseRow
    /// 0…1 from `DuplicateFinder`.
    public var score: Double
    /// Metres between the two points, when both have one.
    public var distance: Double?
    /// At or above `DuplicateFinder.likelyThreshold`.
    public var likely: Bool { score >= DuplicateFinder.likelyThreshold }
}

/// Duplicate suggestions (C6): the store fetches a bounded set of candidates with an indexed
/// query, `DuplicateFinder` scores them. Suggesting never merges; an operator decides.
extension CaseRepository {
    /// The most candidates scored for one case; the newest are kept.
    public static let candidateLimit = 200
    /// The most suggestions shown.
    public static let suggestionLimit = 10

    /// Cases a report of `category` at `point` around `time` could duplicate: the same category or
    /// a sibling under the same parent; not merged or rejected; reported within
    /// `DuplicateFinder.maxAgeHours` before or after `time`; in scope; and, when there is a point,
    /// inside a box of `DuplicateFinder.farMetres` around it or without a point of their own.
    /// Served by the (category_key, reported_at) index; newest first, at most `limit`.
    public func candidateCases(
        category: String, near point: GeoPoint?, around time: Date, excluding: UUID? = nil,
        in scope: Scope, limit: Int = candidateLimit
    ) async throws -> [CaseRow] {
        let all = try await categories()
        let parent = all.first { $0.key == category }?.parentKey
        let keys = parent.map { p in all.filter { $0.parentKey == p }.map(\.key) } ?? [category]
        let window = DuplicateFinder.maxAgeHours * 3600
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE category_key IN (\(binds: Array(Set(keys + [category])).sorted())) \
            AND reported_at >= \(bind: time.addingTimeInterval(-window)) AND reported_at <= \(bind: time.addingTimeInterval(window)) \
            AND state NOT IN ('merged', 'rejected') AND \(scope.caseCondition())
            """
        if let excluding { query += " AND id <> \(bind: excluding)" }
        if let point {
            let dLat = DuplicateFinder.farMetres / 111_320
            let dLon = dLat / max(cos(point.lat * .pi / 180), 0.01)
            query += """
                 AND (lon IS NULL OR (lon BETWEEN \(bind: point.lon - dLon) AND \(bind: point.lon + dLon) \
                AND lat BETWEEN \(bind: point.lat - dLat) AND \(bind: point.lat + dLat)))
                """
        }
        query += " ORDER BY reported_at DESC LIMIT \(count: limit)"
        return try await sql.raw(query).all().map(CaseRow.init(row:)).map(opened)
    }

    /// Likely duplicates of a case among those the viewer may see, best first. Ages are measured
    /// from the case's own report time, so what the page suggests does not drift as days pass.
    public func duplicates(of row: CaseRow, in scope: Scope) async throws -> [SuggestedDuplicate] {
        let parents = Dictionary(uniqueKeysWithValues: try await categories().map { ($0.key, $0.parentKey) })
        let rows = try await candidateCases(category: row.categoryKey, near: row.point, around: row.reportedAt, excluding: row.id, in: scope)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id.uuidString, $0) })
        let draft = CaseDraft(categoryKey: row.categoryKey, location: row.point, text: Self.duplicateText(row))
        let summaries = rows.map {
            CaseSummary(
                id: $0.id.uuidString, categoryKey: $0.categoryKey, location: $0.point, reportedAt: $0.reportedAt,
                text: Self.duplicateText($0))
        }
        let found = DuplicateFinder.candidates(for: draft, among: summaries, now: row.reportedAt, parentOf: { parents[$0] ?? nil })
        return found.prefix(Self.suggestionLimit).compactMap { c in
            byID[c.id].map { SuggestedDuplicate(row: $0, score: c.score, distance: c.distance) }
        }
    }

    /// What is compared: the description, with the title when it says more than the description's start.
    static func duplicateText(_ row: CaseRow) -> String {
        row.description.hasPrefix(row.title) ? row.description : row.title + " " + row.description
    }
}
