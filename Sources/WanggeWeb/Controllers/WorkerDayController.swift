import Vapor
import WanggeCore
import WanggeStore

/// The worker's day (今日工作) at /today and /api/v1/today: for a grid worker or proxy agent, the
/// cases waiting on them, their grids' open needs and the households due a visit (`VisitCoverage`), in one list
/// ordered by urgency (`WorkerDay`), with the counts of the grids' late and warned cases, today's
/// social-log entries and, for a proxy agent, the buildings they cover. Read only; every item
/// links to the page where the work is done. Scoped like everything else: only the viewer's grids.
enum WorkerDayController {
    /// The most items of each kind the day shows; the full lists are a tap away.
    static let perKind = 50

    struct Grid: Content {
        var id: UUID
        var name: String
        var code: String
        /// Today's entries in the grid's social log.
        var logToday: Int
        /// The buildings this worker covers in the grid (proxy agents, §2: 2–3 buildings each).
        var buildings: [String]
    }

    struct Notices: Content {
        /// Open cases of the viewer's grids past a deadline, and in their warning period.
        var overdueCases: Int
        var warningCases: Int
        /// Needs open longer than `WorkerDay.needStaleDays`.
        var staleNeeds: Int
    }

    struct Day: Content {
        var date: String
        var grids: [Grid]
        var tasks: [DayTask]
        var notices: Notices
        /// Whether a list was cut at `perKind`.
        var more: [String: Bool]
    }

    static func register(_ pages: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(SiteURL.today.pattern, use: page)
        api.get("today") { req async throws -> Day in try await day(req, worker: try requireFieldWorker(req)) }
    }

    static func requireFieldWorker(_ req: Request) throws -> CaseController.Worker {
        let w = try req.requireCaseWorker()
        guard w.viewer.role.worksInField, w.viewer.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return w
    }

    static func page(req: Request) async throws -> Response {
        let w = try requireFieldWorker(req)
        let d = try await day(req, worker: w)
        return Layout.response(req, WorkerDayPages.day(d, role: w.viewer.role), title: L10n.t("day.title"))
    }

    static func day(_ req: Request, worker w: CaseController.Worker) async throws -> Day {
        let now = req.now
        let scope = w.viewer.scope
        let cases = CaseController.repo(req)
        let grids = try await UnitRepository(req.db).all(in: scope, level: .grid).sorted { $0.path < $1.path }
        var tasks: [DayTask] = []
        var more: [String: Bool] = [:]

        let mine = try await cases.queue(.mine, role: w.actor.role, in: scope, now: now, limit: perKind)
        more[DayTask.Kind.workCase.rawValue] = mine.next != nil
        for c in mine.rows {
            let (response, _) = c.limitStatus(now: now)
            // Not yet accepted: the response deadline is the one that counts; afterwards the resolve deadline.
            let byResponse = c.state == .reported && response != .onTime
            tasks.append(
                DayTask(
                    kind: .workCase, id: c.id, title: c.title, place: c.address, due: byResponse ? c.respondBy : c.resolveBy, since: c.reportedAt,
                    urgency: WorkerDay.urgency(
                        due: byResponse ? c.respondBy : c.resolveBy, warnAt: byResponse ? c.respondWarnAt : c.resolveWarnAt, now: now)))
        }

        let needs = NeedRepository(req.db)
        let logs = SocialLogRepository(req.db)
        let staff = StaffRepository(req.db)
        let today = SimpleDate(now).description
        var gridSummaries: [Grid] = []
        var needCount = 0, visitCount = 0
        let day = SimpleDate(now)
        for grid in grids.prefix(perKind) {
            for n in try await needs.list(under: grid.id, state: .open, limit: perKind, in: scope) where needCount < perKind {
                needCount += 1
                tasks.append(
                    DayTask(
                        kind: .need, id: n.id, title: n.text, place: n.householdNumber ?? grid.name, due: nil, since: n.recordedAt,
                        urgency: WorkerDay.needUrgency(recordedAt: n.recordedAt, now: now)))
            }
            let facts = try await VisitRepository(req.db, cipher: req.keys.cipher).facts(under: grid.id, in: scope)
            for d in VisitCoverage.dueList(facts, on: day) where visitCount < perKind {
                visitCount += 1
                tasks.append(WorkerDay.visitTask(d, today: day))
            }
            let entries = try await logs.list(under: grid.id, SocialLogFilter(from: today, to: today), limit: 200, in: scope)
            let me = try await staff.team(of: grid.id, in: scope).first { $0.accountID == w.viewer.account.id }
            var covered: [BuildingRow] = []
            if let me { covered = try await staff.coveredBuildings(of: grid.id, in: scope)[me.assignmentID] ?? [] }
            gridSummaries.append(Grid(id: grid.id, name: grid.name, code: grid.code, logToday: entries.count, buildings: covered.map(\.name)))
        }
        more[DayTask.Kind.need.rawValue] = needCount >= perKind
        more[DayTask.Kind.visit.rawValue] = visitCount >= perKind

        let notices = Notices(
            overdueCases: try await cases.count(.overdue, role: w.actor.role, in: scope, now: now),
            warningCases: try await cases.count(.warning, role: w.actor.role, in: scope, now: now),
            staleNeeds: tasks.filter { $0.kind == .need && $0.urgency == .warning }.count)
        return Day(date: today, grids: gridSummaries, tasks: WorkerDay.ordered(tasks), notices: notices, more: more)
    }
}
