import Foundation
import SQLKit
import WanggeCore

/// What a case list is narrowed to: any combination of state, category (with its sub-categories),
/// unit (with everything below it), department, channel, reporting dates (China time, both ends
/// included), overdue, and a search text that is read as a tracking or public code, a phone
/// number (found through its look-up hash) or words of the address, title or description.
public struct CaseFilter: Sendable, Equatable {
    public var states: [CaseState] = []
    public var categoryKey: String?
    public var unitID: UUID?
    public var departmentKey: String?
    public var channel: CaseChannel?
    public var from: SimpleDate?
    public var to: SimpleDate?
    public var overdueOnly = false
    /// Only cases near a limit now (the 预警 queue's rule).
    public var warningOnly = false
    public var text: String?
    /// Only the cases that count for this counter of the measures (the cases behind a dashboard number).
    public var tally: Tally?
    /// Only cases sent to their department (dispatched, or past it): the cases a department's figures count.
    public var sentOnly = false

    public init() {}

    public var isEmpty: Bool { self == CaseFilter() }

    /// The longest search text taken (a whole address fits).
    public static let maxText = 100
}

/// One page of a list paged by key: the rows, and the id to continue after when there are more.
public struct CasePage: Sendable {
    public var rows: [CaseRow]
    public var next: UUID?
    /// How many match in all, when asked for — at most the cap asked for (see `totalIsAtLeast`).
    public var total: Int?
    /// The count stopped at its cap: at least `total` match.
    public var totalIsAtLeast = false

    public init(rows: [CaseRow], next: UUID?, total: Int? = nil) {
        self.rows = rows
        self.next = next
        self.total = total
    }
}

extension CaseRepository {
    /// Cases matching `filter` in `scope`, newest first, `limit` at a time after the case `after`
    /// (the previous page's `next`). Paged by key (`reported_at`, `id`), never by OFFSET, so a page
    /// deep in a million cases costs what the first does.
    /// With `counting`, the page also says how many match in all (shown above the list); with
    /// `countingUpTo`, the count stops there (`totalIsAtLeast`): a count of a district's year is a
    /// million rows read for one number the dashboard already shows.
    public func search(
        _ filter: CaseFilter, in scope: Scope, now: Date, after: UUID? = nil, limit: Int = 50, counting: Bool = false, countingUpTo cap: Int? = nil
    ) async throws -> CasePage {
        let condition: SQLQueryString = "\(try await condition(filter, now: now)) AND \(scope.caseCondition())"
        var page = try await page(where: condition, order: ("reported_at", ascending: false), after: after, limit: limit)
        if counting {
            let matching: SQLQueryString = cap.map { "SELECT 1 FROM cases c WHERE \(condition) LIMIT \(count: $0 + 1)" } ?? "SELECT 1 FROM cases c WHERE \(condition)"
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM (\(matching)) m").first()?.decode(column: "n", as: Int.self) ?? 0
            if let cap, n > cap { (page.total, page.totalIsAtLeast) = (cap, true) } else { page.total = n }
        }
        return page
    }

    /// Rows of `where` ordered by `order.column` then id, after the row `after`.
    /// `byState`: the states every row of `condition` is in; with two or more, each state's rows are
    /// read in order up to a page and the parts merged (the same rows, in the same order).
    func page(
        where condition: SQLQueryString, order: (column: String, ascending: Bool), after: UUID?, limit: Int, byState: [CaseState] = []
    ) async throws -> CasePage {
        let column = SQLIdentifier(order.column)
        let (cmp, dir): (SQLQueryString, SQLQueryString) = order.ascending ? (">", "ASC") : ("<", "DESC")
        var whole = condition
        if let after {
            // The key of the row to continue after, read from the row itself so no timestamp is
            // rounded on its way through a URL. A row that no longer exists ends the list.
            let key: SQLQueryString = "(SELECT \(column) FROM cases WHERE id = \(bind: after))"
            // A row value: a range the index seeks into (see `ResidentRepository.page`).
            whole = "\(whole) AND (\(column), id) \(cmp) (\(key), \(bind: after))"
        }
        let ordered: SQLQueryString = "ORDER BY \(column) \(dir), id \(dir) LIMIT \(count: limit + 1)"
        let statement: SQLQueryString
        if byState.count > 1 {
            let parts = byState.enumerated().map { i, state -> SQLQueryString in
                "SELECT * FROM (SELECT \(unsafeRaw: CaseRow.columns) FROM cases c WHERE state = \(bind: state.rawValue) AND \(whole) \(ordered)) AS s\(unsafeRaw: String(i))"
            }
            statement = "SELECT * FROM (\(parts.joined(separator: " UNION ALL "))) AS merged \(ordered)"
        } else {
            statement = "SELECT \(unsafeRaw: CaseRow.columns) FROM cases c WHERE \(whole) \(ordered)"
        }
        let rows = try await sql.raw(statement).all().map(CaseRow.init(row:))
        let shown = Array(rows.prefix(limit))
        return CasePage(rows: try shown.map(opened), next: rows.count > limit ? shown.last?.id : nil)
    }

    /// The SQL condition of a filter (without the scope).
    func condition(_ f: CaseFilter, now: Date) async throws -> SQLQueryString {
        var parts: [SQLQueryString] = []
        if !f.states.isEmpty { parts.append("state IN (\(binds: f.states.map(\.rawValue)))") }
        if let key = f.categoryKey {
            let all = try await categories()
            guard all.contains(where: { $0.key == key }) else { throw StoreError(.invalid, "case.unknown_category", field: "category") }
            parts.append("category_key IN (\(binds: CaseCategory.subtree(of: key, parents: all.map { ($0.key, $0.parentKey) })))")
        }
        if let id = f.unitID {
            guard let unit = try await UnitRepository(db).find(id, in: .everything) else { throw StoreError(.invalid, "case.bad_grid", field: "unit") }
            // Cases placed in no grid belong to the top of the tree (as in `Scope.subtree`).
            parts.append(Scope.inSubtree("unit_id", path: unit.path, orUnplaced: unit.parentID == nil))
        }
        if let d = f.departmentKey { parts.append("department_key = \(bind: d)") }
        // The counting rules are written over `c`, the alias every case list reads `cases` as.
        if f.sentOnly { parts.append("(\(unsafeRaw: MeasureRollup.sentToDepartment))") }
        if let c = f.channel { parts.append("channel = \(bind: c.rawValue)") }
        if let from = f.from { parts.append("reported_at >= \(bind: from.startInChina)") }
        if let to = f.to { parts.append("reported_at < \(bind: to.startInChina.addingTimeInterval(86_400))") }
        if let tally = f.tally, let rule = TallySQL.condition(tally, sql) {
            parts.append("(\(unsafeRaw: rule))")
        }
        if f.overdueOnly { parts.append(condition(.overdue, role: .operator_, now: now)) }
        if f.warningOnly { parts.append(condition(.warning, role: .operator_, now: now)) }
        if let text = f.text?.trimmingSpaces().trimmedOrNil {
            guard text.count <= CaseFilter.maxText else { throw StoreError(.invalid, "case.too_long", [String(CaseFilter.maxText)], field: "q") }
            parts.append(textCondition(text))
        }
        guard var all = parts.first else { return "1 = 1" }
        for p in parts.dropFirst() { all = "\(all) AND \(p)" }
        return all
    }

    /// A code finds its case, a phone its reporter's cases, anything else words in the case's text.
    func textCondition(_ text: String) -> SQLQueryString {
        if let code = TrackingCode.normalized(text) { return "tracking_code = \(bind: code)" }
        if let code = PublicCode.normalized(text) { return "public_code = \(bind: code)" }
        if let phone = try? Phone.normalize(text) { return "reporter_phone_hash = \(bind: cipher.lookupHash(phone))" }
        let like = "%" + ResidentRepository.likePrefix(text)
        return "(address LIKE \(bind: like) ESCAPE '\\' OR title LIKE \(bind: like) ESCAPE '\\' OR description LIKE \(bind: like) ESCAPE '\\')"
    }
}

extension SimpleDate {
    /// Midnight at the start of this day in China Standard Time.
    public var startInChina: Date {
        ChinaTime.calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }
}

extension CaseRepository {
    /// What residents usually report, for the short list at the top of a category picker.
    public static let usualCategories = [
        "city_appearance.exposed_garbage", "extended.noise", "street_order.car_parking", "component.public_utility.street_light",
        "component.housing_land.corridor_light", "extended.fire_lane_blocked", "extended.flying_wire_charging", "emergency.sewer_blocked",
    ]

    /// The `limit` active categories most reported since `since`, topped up from `usualCategories`
    /// (a new district has no history yet).
    public func commonCategories(since: Date, limit: Int = 8) async throws -> [CategoryRow] {
        struct Used: Decodable { var category_key: String }
        let used = try await sql.raw(
            """
            SELECT category_key FROM cases WHERE reported_at >= \(bind: since) GROUP BY category_key \
            ORDER BY COUNT(*) DESC, category_key LIMIT \(count: limit * 2)
            """
        ).all(decoding: Used.self).map(\.category_key)
        let all = try await categories()
        let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
        let parents = Set(all.compactMap(\.parentKey))
        var picked: [CategoryRow] = []
        for key in used + Self.usualCategories where picked.count < limit {
            guard let c = byKey[key], c.active, !parents.contains(key), !picked.contains(where: { $0.key == key }) else { continue }
            picked.append(c)
        }
        return picked
    }
}
