import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Cases and their timelines. Reads are scoped by the case's grid like residents; every change
/// goes through `CaseMachine` and is written with its event in one transaction, guarded by the
/// row's `version` so two people acting at once cannot both win.
public struct CaseRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public static let gridTeam = CreateCases.gridTeam.key
    public static let maxDescription = 2000
    public static let maxTitle = 100
    public static let maxShort = 200

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    // MARK: Reference data

    public func departments() async throws -> [DepartmentRow] {
        try await sql.raw("SELECT key, name_zh, name_en FROM departments ORDER BY sort").all(decoding: DepartmentRow.self)
    }

    public func categories() async throws -> [CategoryRow] {
        try await CategoryRow.all(on: sql)
    }

    public func category(_ key: String) async throws -> CategoryRow? {
        try await sql.raw("SELECT \(unsafeRaw: CategoryRow.columns) FROM case_categories WHERE key = \(bind: key)").first().map(CategoryRow.init(row:))
    }

    /// Sets (or replaces) the rule sending `category` cases in `unit` and below to `department`.
    public func setRoute(category: String, unit: UUID, department: String) async throws {
        try await sql.delete(from: "routing_rules").where("category_key", .equal, category).where("unit_id", .equal, unit).run()
        try await sql.insert(into: "routing_rules").columns("id", "category_key", "unit_id", "department_key")
            .values(SQLBind(UUID()), SQLBind(category), SQLBind(unit), SQLBind(department)).run()
    }

    /// The department for a category in a grid: the rule of the nearest unit up the tree, else the category's default.
    public func route(_ category: CategoryRow, grid: UnitRow?) async throws -> String {
        try await routes([category], grid: grid)[category.key] ?? category.departmentKey
    }

    /// `route` for many categories in one grid, with one query: category key → department.
    public func routes(_ categories: [CategoryRow], grid: UnitRow?) async throws -> [String: String] {
        var result = Dictionary(categories.map { ($0.key, $0.departmentKey) }) { first, _ in first }
        guard let grid else { return result }
        let chain = [grid.id] + grid.ancestorIDs.reversed()
        struct Rule: Decodable { var category_key: String; var unit_id: UUID; var department_key: String }
        let rules = try await sql.raw(
            """
            SELECT category_key, unit_id, department_key FROM routing_rules \
            WHERE category_key IN (\(binds: categories.map(\.key))) AND unit_id IN (\(binds: chain))
            """
        ).all(decoding: Rule.self)
        for category in categories {
            let own = rules.filter { $0.category_key == category.key }
            if let id = chain.first(where: { id in own.contains { $0.unit_id == id } }), let rule = own.first(where: { $0.unit_id == id }) {
                result[category.key] = rule.department_key
            }
        }
        return result
    }

    // MARK: Reading

    public func find(_ id: UUID, in scope: Scope) async throws -> CaseRow? {
        let row = try await sql.raw("SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE id = \(bind: id) AND \(scope.caseCondition())")
            .first().map(CaseRow.init(row:))
        return try row.map(opened)
    }

    public func get(_ id: UUID, in scope: Scope) async throws -> CaseRow {
        guard let row = try await find(id, in: scope) else { throw StoreError.notFound("case") }
        return row
    }

    /// The case behind an Open311 public code (`PublicCode`), within `scope`.
    public func byPublicCode(_ code: String, in scope: Scope) async throws -> CaseRow? {
        guard let code = PublicCode.normalized(code),
            let row = try await sql.raw("SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE public_code = \(bind: code)")
                .first().map(CaseRow.init(row:))
        else { return nil }
        return try await find(row.id, in: scope)
    }

    /// The case behind a reporter's private tracking code (no scope: the code is the reporter's key).
    public func byTrackingCode(_ code: String) async throws -> CaseRow? {
        guard let code = TrackingCode.normalized(code) else { return nil }
        return try await sql.raw("SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE tracking_code = \(bind: code)")
            .first().map(CaseRow.init(row:)).map(opened)
    }

    public func timeline(_ id: UUID) async throws -> [CaseEventRow] {
        try await sql.raw("SELECT \(unsafeRaw: CaseEventRow.columns) FROM case_events WHERE case_id = \(bind: id) ORDER BY seq")
            .all(decoding: CaseEventRow.self)
    }

    func opened(_ row: CaseRow) throws -> CaseRow {
        var r = row
        do {
            r.reporterPhone = try row.reporterPhone.map(cipher.decrypt)
            r.reporterEmail = try row.reporterEmail.map(cipher.decrypt)
        } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(error)"]) }
        return r
    }

    // MARK: Queues

    /// How long a case rated 不满意 stays in 待受理 for the operator to reopen.
    public static let reviewDays = 15

    static let working: [CaseState] = [.reported, .accepted, .dispatched, .signedFor, .handled, .verified]

    func condition(_ queue: CaseQueue, role: ActorRole, now: Date) -> SQLQueryString {
        let open: SQLQueryString = "state IN (\(binds: Self.working.map(\.rawValue)))"
        let lateResponse: SQLQueryString = "(state = 'reported' AND respond_by < \(bind: now))"
        switch queue {
        case .toAccept:
            // A 不满意 rating asks the operator to decide whether to reopen, for `reviewDays` after closing;
            // later the case is found through 全部·查询, no longer waiting in the queue.
            let since = now.addingTimeInterval(-Double(Self.reviewDays) * 86_400)
            return "(state = 'reported' OR (state = 'called_back' AND rating = 'dissatisfied' AND closed_at >= \(bind: since)))"
        case .toDispatch: return "state = 'accepted'"
        case .toClose: return "state IN ('handled', 'verified')"
        case .inProgress: return "state IN ('dispatched', 'signed_for')"
        case .suspended: return "state = 'suspended'"
        case .overdue: return "\(open) AND (resolve_by < \(bind: now) OR \(lateResponse))"
        case .warning:
            return """
                \(open) AND resolve_by >= \(bind: now) AND NOT \(lateResponse) \
                AND (resolve_warn_at <= \(bind: now) OR (state = 'reported' AND respond_warn_at <= \(bind: now)))
                """
        case .mine:
            switch role {
            case .gridWorker: return "((state IN ('dispatched', 'signed_for') AND department_key = \(bind: Self.gridTeam)) OR state = 'handled')"
            case .department: return "state IN ('dispatched', 'signed_for') AND department_key <> \(bind: Self.gridTeam)"
            default: return open
            }
        }
    }

    /// Every state a case in `queue` can be in (what `condition` admits, state by state).
    static func states(of queue: CaseQueue, role: ActorRole) -> [CaseState] {
        switch queue {
        case .toAccept: [.reported, .calledBack]
        case .toDispatch: [.accepted]
        case .toClose: [.handled, .verified]
        case .inProgress: [.dispatched, .signedFor]
        case .suspended: [.suspended]
        case .overdue, .warning: working
        case .mine:
            switch role {
            case .gridWorker: [.dispatched, .signedFor, .handled]
            case .department: [.dispatched, .signedFor]
            default: working
            }
        }
    }

    /// A queue in order of urgency (the resolve deadline, then id), `limit` at a time after the
    /// case `after`: paged by key, not OFFSET. A queue of open cases in several states is read one
    /// state at a time and merged, so the database walks each state's deadlines in the index and stops
    /// at a page, instead of sorting every case of the queue (a district's 3,068 overdue cases: 25 ms →
    /// 5 ms). Not 待受理: its closed cases rated 不满意 are found through the rating's index, and walking
    /// a million closed cases in deadline order to find them took seconds.
    public func queue(
        _ queue: CaseQueue, role: ActorRole, in scope: Scope, now: Date, after: UUID? = nil, limit: Int = 50
    ) async throws -> CasePage {
        let states = Self.states(of: queue, role: role)
        return try await page(
            where: "\(condition(queue, role: role, now: now)) AND \(scope.caseCondition())", order: ("resolve_by", ascending: true),
            after: after, limit: limit, byState: states.allSatisfy(Self.working.contains) ? states : [])
    }

    public func count(_ queue: CaseQueue, role: ActorRole, in scope: Scope, now: Date) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE \(condition(queue, role: role, now: now)) AND \(scope.caseCondition())")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
