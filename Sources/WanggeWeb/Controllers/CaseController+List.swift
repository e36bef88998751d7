import Vapor
import WanggeCore
import WanggeStore

/// The case list's search form as it arrives in the query (`/cases?queue=all&state=…`): text as
/// typed, checked into a `CaseFilter` with an error naming the field that is wrong.
struct CaseSearch: Content, Equatable, Sendable, Hashable {
    var state: String? = nil
    var category: String? = nil
    var unit: String? = nil
    var department: String? = nil
    var channel: String? = nil
    var from: String? = nil
    var to: String? = nil
    var overdue: String? = nil
    /// Any value: only cases near a limit now (预警).
    var warning: String? = nil
    var q: String? = nil
    /// A measures' counter (`Tally`): the cases behind a number on the dashboard.
    var counted: String? = nil
    /// Any value: only cases sent to their department (the cases behind a department's figures).
    var sent: String? = nil

    var fields: [(String, String?)] {
        [
            ("state", state), ("category", category), ("unit", unit), ("department", department), ("channel", channel),
            ("from", from), ("to", to), ("overdue", overdue), ("warning", warning), ("q", q), ("counted", counted),
            ("sent", sent),
        ]
    }

    /// The fields that are set, for links that keep the search (the next page).
    var items: [URLQueryItem] {
        fields.compactMap { k, v in v.flatMap { $0.trimmingSpaces().isEmpty ? nil : URLQueryItem(name: k, value: $0) } }
    }

    static func blank(_ s: String?) -> String? { s?.trimmingSpaces().trimmedOrNil }

    /// The filter, or a `BadParameter` naming the first field that cannot be read.
    func filter() throws -> CaseFilter {
        var f = CaseFilter()
        if let s = Self.blank(state) {
            guard let st = CaseState(rawValue: s) else { throw BadParameter("state", expected: L10n.t("param.expected.case_state")) }
            f.states = [st]
        }
        f.categoryKey = Self.blank(category)
        if let u = Self.blank(unit) {
            guard let id = UUID(uuidString: u) else { throw BadParameter("unit", expected: "UUID") }
            f.unitID = id
        }
        f.departmentKey = Self.blank(department)
        if let c = Self.blank(channel) {
            guard let ch = CaseChannel(rawValue: c) else { throw BadParameter("channel", expected: L10n.t("param.expected.channel")) }
            f.channel = ch
        }
        for (name, raw) in [("from", from), ("to", to)] {
            guard let s = Self.blank(raw) else { continue }
            guard let d = SimpleDate(iso: s) else { throw BadParameter(name, expected: "YYYY-MM-DD") }
            if name == "from" { f.from = d } else { f.to = d }
        }
        if let c = Self.blank(counted) {
            guard let tally = Tally(rawValue: c), Tally.perCase.contains(tally) else {
                throw BadParameter("counted", expected: Tally.perCase.map(\.rawValue).joined(separator: ", "))
            }
            f.tally = tally
        }
        f.overdueOnly = Self.blank(overdue) != nil
        f.warningOnly = Self.blank(warning) != nil
        f.sentOnly = Self.blank(sent) != nil
        if let text = Self.blank(q) {
            guard text.count <= CaseFilter.maxText else { throw BadParameter("q", expected: L10n.t("param.expected.max_chars", CaseFilter.maxText)) }
            f.text = text
        }
        return f
    }
}

extension CaseController {
    /// The tabs a role sees: the command centre's queues, or a worker's own list first; every role
    /// ends with 全部 (all cases in its scope, searchable), so no case drops out of view.
    static func tabs(for role: ActorRole) -> [CaseListTab] {
        switch role {
        case .operator_, .leader: [.toAccept, .toDispatch, .inProgress, .suspended, .toClose, .warning, .overdue].map(CaseListTab.queue) + [.all]
        default: [.mine, .warning, .overdue].map(CaseListTab.queue) + [.all]
        }
    }

    /// The largest page a list shows at once.
    static let pageSize = 50
    /// The search list counts its matches up to this many ("more than 2,000"): past it a count is a
    /// scan of the district's year for a number the dashboard already holds exactly.
    static let countCap = 2_000

    /// Past this many grids in scope the unit picker offers streets and communities only (and the
    /// grid already chosen): a district's 1,000 grids made 1,110 options, most of each page's 100 KB.
    static let gridChoicesUpTo = 200

    /// The units the search form offers, in tree order.
    static func unitChoices(_ req: Request, scope: Scope, chosen: UUID?) async throws -> [UnitRow] {
        let units = UnitRepository(req.db)
        var choices: [UnitRow] = []
        for level in [UnitLevel.street, .community] { choices += try await units.all(in: scope, level: level) }
        let grids = try await units.all(in: scope, level: .grid)
        return (choices + offered(grids, chosen: { $0.id == chosen }, upTo: gridChoicesUpTo)).sorted { $0.path < $1.path }
    }

    /// Every grid when there are at most `upTo`, else only the chosen one (if any).
    static func offered<Grid>(_ grids: [Grid], chosen: (Grid) -> Bool, upTo: Int) -> [Grid] {
        grids.count <= upTo ? grids : grids.filter(chosen)
    }

    static func index(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        let tabs = tabs(for: w.actor.role)
        let asked = req.query[String.self, at: "queue"].flatMap(CaseListTab.init(rawValue:))
        let current = asked.flatMap { tabs.contains($0) ? $0 : nil } ?? tabs[0]
        let after = try req.queryUUID("after")
        let repo = repo(req)
        let now = req.now
        let scope = w.viewer.scope
        var counted: [(CaseListTab, Int?)] = []
        for tab in tabs {
            guard case .queue(let q) = tab else {
                counted.append((tab, nil))
                continue
            }
            counted.append((tab, try await repo.count(q, role: w.actor.role, in: scope, now: now)))
        }
        let search = try req.query.decode(CaseSearch.self)
        var list = CasePages.CaseList(tab: current, tabs: counted, search: search, page: CasePage(rows: [], next: nil))
        switch current {
        case .queue(let q):
            list.page = try await repo.queue(q, role: w.actor.role, in: scope, now: now, after: after, limit: pageSize)
        case .all:
            let filter = try search.filter()
            list.page = try await repo.search(filter, in: scope, now: now, after: after, limit: pageSize, counting: true, countingUpTo: Self.countCap)
            list.units = try await unitChoices(req, scope: scope, chosen: filter.unitID)
            list.departmentChoices = w.viewer.scope.departments.map { Array($0).sorted() }
        }
        list.continued = after != nil
        let body = CasePages.queues(
            list, names: try await names(req), now: now, canEnter: w.viewer.role.entersCases, canConfigure: w.viewer.role.configuresCases)
        return Layout.response(req, body, title: L10n.t("cases.title"))
    }
}

/// A tab of the case list: one of the queues, or all cases with the search form.
enum CaseListTab: Equatable, Hashable, Sendable {
    case queue(CaseQueue)
    case all

    init?(rawValue: String) {
        if rawValue == "all" {
            self = .all
        } else if let q = CaseQueue(rawValue: rawValue) {
            self = .queue(q)
        } else {
            return nil
        }
    }

    var rawValue: String {
        switch self {
        case .queue(let q): q.rawValue
        case .all: "all"
        }
    }

    var nameKey: String {
        switch self {
        case .queue(let q): q.nameKey
        case .all: "case.queue.all"
        }
    }
}
