import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// For every role and every route that reads or changes data: one object inside the role's part
/// of the tree and one outside it (in a second district), with the exact answer expected. An
/// out-of-scope id must look exactly like a missing one (404); a role that may not use a route at
/// all gets 403 whatever the id.
@Suite("Authorization matrix: every role × every data route, in scope and out of scope")
struct AuthorizationMatrixTests {
    /// Ids of the objects a route is tried on.
    struct Objects {
        var grid: UUID, community: UUID, otherCommunity: UUID, resident: UUID, household: UUID, householdNumber: String
        var building: UUID, assignment: UUID, idNumber: String, name: String
        /// A second team member's assignment, which no route ends (contact cards, member settings).
        var agent: UUID
        var extraResidents: [UUID]
        /// A case filed under `grid`.
        var caseID: UUID
        /// An open need recorded in `grid`'s needs log.
        var need: UUID
        /// The community's council, market orders, volunteers and activity.
        var programme: Programme
    }

    /// What the council, market and volunteer routes are tried on. A write each role may make gets
    /// an object of its own (`proposals`, `volunteers` by the role's place in `Who.allCases`).
    struct Programme {
        var council: UUID
        var proposals: [UUID]
        /// Orders from `grid`, waiting for review: the page's step refuses the first, the API's cancels the second.
        var orders: [UUID]
        var activity: UUID
        var volunteers: [UUID]

        func proposal(_ who: Who) -> UUID { proposals[Who.allCases.firstIndex(of: who)!] }
        func volunteer(_ who: Who) -> UUID { volunteers[Who.allCases.firstIndex(of: who)!] }
        /// A second volunteer per role, for the API's sign-up.
        func apiVolunteer(_ who: Who) -> UUID { volunteers[Who.allCases.count + Who.allCases.firstIndex(of: who)!] }
    }

    /// A council with a proposal per role, a provider with an item and two orders from `grid`, and a
    /// team with a volunteer per role and an activity, in `community`.
    static func programme(_ app: Application, community: UUID, grid: UUID) async throws -> Programme {
        let now = app.clock.now()
        let council = try await CouncilRepository(app.db).name("矩阵议事会", of: community, at: now, in: .everything)
        let sql = app.db as! any SQLDatabase
        var proposals: [UUID] = []
        for who in Who.allCases {
            let id = UUID()
            try await sql.raw(
                """
                INSERT INTO council_proposals (id, unit_id, title, body, state, created_at, updated_at) \
                VALUES (\(bind: id), \(bind: community), \(bind: "矩阵提议\(who.rawValue)"), '加装路灯', 'submitted', \(bind: now), \(bind: now))
                """
            ).run()
            proposals.append(id)
        }
        let market = MarketRepository(app.db, cipher: app.keys.cipher)
        let provider = try await market.addProvider(MarketProviderDraft(name: "矩阵物业", kind: "property"), to: community, at: now, in: .everything)
        let item = try await market.addItem(
            MarketItemDraft(name: "矩阵保洁", price: "30", priceUnit: "次", mode: "assigned", acceptHours: "2", providers: [provider.id]), to: community, in: .everything)
        let gridRow = try await UnitRepository(app.db).get(grid, in: .everything)
        var orders: [UUID] = []
        for _ in 0..<2 {
            let draft = MarketOrderDraft(itemID: item.id, contactName: "王秀兰", contactPhone: "13812345678", address: "1号楼301")
            orders.append(try await market.place(draft, in: gridRow, orderedBy: nil, at: now).id)
        }
        let volunteers = VolunteerRepository(app.db)
        let team = try await volunteers.addTeam(name: "矩阵志愿队", leader: "王丽", to: community, by: "x", at: now, in: .everything)
        var people: [UUID] = []
        for i in 0..<(2 * Who.allCases.count) {
            people.append(
                try await volunteers.addVolunteer(
                    .outsider(name: "志愿者\(i)", phone: "1390000\(String(format: "%04d", i))"), team: team.id, to: community,
                    people: ResidentRepository(app.db, cipher: app.keys.cipher), by: "x", at: now, in: .everything))
        }
        let activity = try await volunteers.addActivity(
            title: "矩阵活动", place: "活动室", day: SimpleDate(now).description, start: "09:00", end: "11:00", capacity: "20", shared: false, to: community, by: "x",
            at: now, in: .everything)
        return Programme(council: council.id, proposals: proposals, orders: orders, activity: activity, volunteers: people)
    }

    /// `department` works for 住建/市政 (the case is dispatched to 住建); `police` is a department account of another department.
    enum Who: String, CaseIterable { case admin, security, auditor, leader, `operator`, gridworker, proxy, department, police, resident }

    struct Route {
        var name: String
        var allowed: Set<Who>
        /// The status for an allowed role on the in-scope object.
        var ok: HTTPStatus
        /// The status for an allowed role on the out-of-scope object (404 unless the route answers otherwise).
        var outside: HTTPStatus = .notFound
        /// Allowed roles whose in-scope answer differs from `ok` (a step the case machine does not give them).
        var answers: [Who: HTTPStatus] = [:]
        var call: @Sendable (inout Browser, Objects, Who) async throws -> TestingHTTPResponse
    }

    static let readers: Set<Who> = [.admin, .leader, .`operator`, .gridworker, .proxy]
    static let editors: Set<Who> = [.admin, .`operator`, .gridworker]
    static let unmaskers: Set<Who> = [.`operator`, .gridworker, .proxy]
    static let caseWorkers: Set<Who> = [.leader, .`operator`, .gridworker, .proxy, .department, .police]
    static let caseEnterers: Set<Who> = [.`operator`, .gridworker, .proxy]
    static let caseConfigurers: Set<Who> = [.admin, .leader]

    static let routes: [Route] =
        [
            Route(name: "unit page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)") },
            Route(name: "resident page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/residents/\(o.resident)") },
            Route(name: "household page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/households/\(o.household)") },
            Route(name: "coverage page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/coverage?unit=\(o.grid)") },
            Route(name: "CSV export page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/data/export/residents.csv?unit=\(o.grid)") },
            Route(name: "reveal page", allowed: unmaskers, ok: .ok) { b, o, _ in
                try await b.get("/residents/\(o.resident)")
                return try await b.post("/residents/\(o.resident)/reveal", form: ["reason": "入户走访核对身份"])
            },
            // A copy of the whole record is unmasked: it needs a role that edits the register and may see full numbers.
            Route(name: "case reporter phone show", allowed: caseWorkers.intersection(unmaskers), ok: .ok) { b, o, _ in
                try await b.get("/account")
                return try await b.post("/cases/\(o.caseID)/reveal", form: ["reason": "回访核实处理结果"])
            },
            Route(name: "personal data export", allowed: editors.intersection(unmaskers), ok: .ok) { b, o, _ in
                try await b.get("/residents/\(o.resident)")
                return try await b.post("/residents/\(o.resident)/export.json", form: ["reason": "本人申请查阅"])
            },
            Route(name: "API unmasked bulk export", allowed: readers.intersection(unmaskers), ok: .ok) { b, o, _ in
                try await b.api(.GET, "/api/v1/export/residents?unit=\(o.grid)&unmasked=true&reason=%E6%95%B0%E6%8D%AE%E6%A0%B8%E5%AF%B9")
            },
            Route(name: "correction form", allowed: editors, ok: .ok) { b, o, _ in try await b.get("/residents/\(o.resident)/edit") },
            Route(name: "API unit", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)") },
            Route(name: "API children", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/children") },
            Route(name: "API history", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/history") },
            Route(name: "API team", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/team") },
            Route(name: "API components", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/components") },
            Route(name: "API organisations", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/organisations") },
            Route(name: "API resident", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/residents/\(o.resident)") },
            Route(name: "API household", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/households/\(o.household)") },
            Route(name: "API building", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/buildings/\(o.building)") },
            Route(name: "API coverage", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/coverage?unit=\(o.grid)") },
            Route(name: "API export", allowed: readers, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/export/residents?unit=\(o.grid)") },
            Route(name: "API reveal", allowed: unmaskers, ok: .ok) { b, o, _ in
                try await b.api(.POST, "/api/v1/residents/\(o.resident)/reveal", json: #"{"reason":"电话回访核对"}"#)
            },
            Route(name: "API update resident", allowed: editors, ok: .ok) { b, o, _ in
                try await b.api(
                    .PUT, "/api/v1/residents/\(o.resident)",
                    json: """
                        {"name":"\(o.name)","id_number":"\(o.idNumber)","household_number":"\(o.householdNumber)","residence_type":"registered"}
                        """)
            },
            // Creating refers to a household by number; one outside the scope is unknown to the caller.
            Route(name: "API create resident", allowed: editors, ok: .created, outside: .unprocessableEntity) { b, o, who in
                try await b.api(
                    .POST, "/api/v1/residents",
                    json: """
                        {"name":"测试\(who.rawValue)","id_number":"\(Self.freshID(who))","household_number":"\(o.householdNumber)"}
                        """)
            },
            Route(name: "API import", allowed: editors, ok: .ok, outside: .unprocessableEntity) { b, o, who in
                try await b.api(
                    .POST, "/api/v1/import/residents", body: Data("姓名,身份证号,户号\n导入\(who.rawValue),\(Self.freshID(who, offset: 50)),\(o.householdNumber)\n".utf8),
                    contentType: HTTPMediaType(type: "text", subType: "csv"))
            },
            Route(name: "API rename unit", allowed: [.admin], ok: .ok) { b, o, _ in
                try await b.api(.PATCH, "/api/v1/units/\(o.grid)", json: #"{"name":"更名网格"}"#)
            },
            Route(name: "API create unit", allowed: [.admin], ok: .created) { b, o, _ in
                try await b.api(.POST, "/api/v1/units", json: #"{"parent_id":"\#(o.community)","level":"grid","name":"新增网格"}"#)
            },
            Route(name: "API add team member", allowed: [.admin], ok: .created) { b, o, _ in
                try await b.api(.POST, "/api/v1/units/\(o.grid)/team", json: #"{"name":"新队员","kind":"volunteer"}"#)
            },
            Route(name: "API end assignment", allowed: [.admin], ok: .noContent) { b, o, _ in try await b.api(.DELETE, "/api/v1/assignments/\(o.assignment)") },
            // Moved away and straight back, so the roles tried after the administrator still find the grid in their scope.
            Route(name: "API move unit", allowed: [.admin], ok: .ok) { b, o, _ in
                let moved = try await b.api(.POST, "/api/v1/units/\(o.grid)/move", json: #"{"parent_id":"\#(o.otherCommunity)"}"#)
                if moved.status == .ok { try await b.api(.POST, "/api/v1/units/\(o.grid)/move", json: #"{"parent_id":"\#(o.community)"}"#) }
                return moved
            },
            Route(name: "anonymise", allowed: editors, ok: .seeOther) { b, o, who in
                let target = o.extraResidents[Who.allCases.firstIndex(of: who)!]
                try await b.get("/residents/\(target)")
                return try await b.post("/residents/\(target)/anonymise", form: ["reason": "本人申请注销"])
            },
        ] + caseRoutes + caseSetupRoutes + outboxRoutes + cardRoutes + logRoutes + visitRoutes + measureRoutes + opennessRoutes + marketRoutes

    /// A unit's dashboard and its measures count every case of the unit, so departments read none.
    static let measureRoutes: [Route] = [
        Route(name: "dashboard page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/dashboard/\(o.grid)") },
        Route(name: "API measures", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/measures?unit=\(o.grid)") },
        // A department's figures count only the cases sent to it: its own account reads them (another department's: 404).
        Route(name: "department dashboard page", allowed: logReaders.union([.department, .police]), ok: .ok, answers: [.police: .notFound]) { b, o, _ in
            try await b.get("/dashboard/departments/housing?unit=\(o.grid)")
        },
        Route(name: "departments overview page", allowed: logReaders.union([.department, .police]), ok: .ok) { b, o, _ in
            try await b.get("/dashboard/departments?unit=\(o.grid)")
        },
        // The rankings' weights are shared by the whole database, like the categories.
        Route(name: "weights page", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/rankings/weights") },
        Route(name: "API department measures", allowed: logReaders.union([.department, .police]), ok: .ok) { b, o, _ in
            try await b.api(.GET, "/api/v1/measures/departments?unit=\(o.grid)")
        },
    ]

    static let logReaders: Set<Who> = [.leader, .`operator`, .gridworker, .proxy]
    static let logKeepers: Set<Who> = [.`operator`, .gridworker, .proxy]

    /// The social log and the needs log belong to a grid.
    static let logRoutes: [Route] = [
        Route(name: "social log page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/log") },
        Route(name: "social log entry", allowed: logKeepers, ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post("/units/\(o.grid)/log", form: ["text": "矩阵测试\(who.rawValue)", "category": "other"])
        },
        Route(name: "needs page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/needs") },
        Route(name: "need page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/needs/\(o.need)") },
        Route(name: "API social log", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/log?q=%E7%9F%A9%E9%98%B5") },
        Route(name: "API record need", allowed: logKeepers, ok: .created) { b, o, who in
            try await b.api(.POST, "/api/v1/units/\(o.grid)/needs", json: #"{"text":"矩阵需求\#(who.rawValue)"}"#)
        },
        Route(name: "API need", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/needs/\(o.need)") },
        // Patrols: read like the logs, written by the grid worker only.
        Route(name: "patrols page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/patrols") },
        Route(name: "start patrol", allowed: [.gridworker], ok: .seeOther) { b, o, _ in
            try await b.get("/account")
            return try await b.post("/units/\(o.grid)/patrols", form: [:])
        },
        Route(name: "API patrols", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/patrols") },
        Route(name: "API start patrol", allowed: [.gridworker], ok: .created) { b, o, _ in try await b.api(.POST, "/api/v1/units/\(o.grid)/patrols", json: "{}") },
    ]

    static let opennessReaders: Set<Who> = [.admin, .leader, .`operator`, .gridworker, .proxy, .department, .police]
    /// A grid's team works below the community: its staff pages are outside their part of the tree.
    static let belowCommunity: [Who: HTTPStatus] = [.gridworker: .notFound, .proxy: .notFound]

    /// Power lists, task admission and major decisions belong to a community.
    static let opennessRoutes: [Route] = [
        Route(name: "power list page", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/powers") },
        Route(name: "add power item", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post(
                "/units/\(o.community)/powers",
                form: ["category": "certificate", "title": "矩阵\(who.rawValue)", "legal_basis": "依据", "responsible_role": "居委会", "steps": "申请\n出具"])
        },
        Route(name: "tasks page", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/tasks") },
        Route(name: "submit task", allowed: [.department, .police], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post("/units/\(o.community)/tasks", form: ["title": "矩阵任务\(who.rawValue)"])
        },
        Route(name: "decisions page", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/decisions") },
        Route(name: "stations page", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/stations") },
        Route(name: "party page", allowed: opennessReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/party") },
        Route(name: "add party org", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post("/units/\(o.grid)/party/orgs", form: ["kind": "group", "name": "矩阵\(who.rawValue)", "secretary": "王丽"])
        },
        // Past the role and the scope, the grid's household is found and the made-up neighbour refused (422).
        Route(name: "set central household", allowed: [.admin, .`operator`, .gridworker], ok: .unprocessableEntity) { b, o, _ in
            try await b.get("/account")
            return try await b.post("/units/\(o.grid)/party/central", form: ["household": o.householdNumber, "member": "李建华", "neighbours": "NO-SUCH-HOME"])
        },
        Route(name: "add station", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post(
                "/units/\(o.community)/stations",
                form: ["kind": "party_station", "name": "矩阵\(who.rawValue)", "address": "某路 1 号", "hours": "每天 9:00–18:00", "phone": "010-8411 2233"])
        },
        Route(name: "council page", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/council") },
        Route(name: "set up council", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post("/units/\(o.community)/council", form: ["name": "矩阵议事会\(who.rawValue)"])
        },
        Route(name: "volunteers page", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/volunteers") },
        Route(name: "venues page", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/units/\(o.community)/venues") },
        Route(name: "add volunteer team", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post("/units/\(o.community)/volunteers/teams", form: ["name": "矩阵\(who.rawValue)", "leader": "王丽"])
        },
        Route(name: "volunteer activity page", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.get("/volunteer-activities/\(o.programme.activity)")
        },
        Route(name: "volunteer page", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.get("/volunteers/\(o.programme.volunteer(.admin))") },
        Route(name: "volunteer sign-up", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/volunteer-activities/\(o.programme.activity)")
            return try await b.post("/volunteer-activities/\(o.programme.activity)/signups", form: ["volunteer": o.programme.volunteer(who).uuidString])
        },
        Route(name: "API volunteer teams", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/units/\(o.community)/volunteer-teams")
        },
        Route(name: "API volunteers", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.community)/volunteers") },
        Route(name: "API volunteer activities", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/units/\(o.community)/volunteer-activities")
        },
        Route(name: "API volunteer activity", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/volunteer-activities/\(o.programme.activity)")
        },
        Route(name: "API volunteer sign-up", allowed: [.admin, .`operator`], ok: .created) { b, o, who in
            try await b.api(.POST, "/api/v1/volunteer-activities/\(o.programme.activity)/signups", json: #"{"volunteer":"\#(o.programme.apiVolunteer(who).uuidString)"}"#)
        },
        Route(name: "API volunteer points", allowed: readers, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/volunteers/\(o.programme.volunteer(.admin))/points")
        },
        Route(name: "API councils", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.community)/councils") },
        Route(name: "API council meetings", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/councils/\(o.programme.council)/meetings")
        },
        Route(name: "API proposals", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/units/\(o.community)/proposals?state=submitted")
        },
        Route(name: "API proposal", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in
            try await b.api(.GET, "/api/v1/proposals/\(o.programme.proposal(.admin))")
        },
        Route(name: "API proposal step", allowed: [.admin, .`operator`], ok: .ok) { b, o, who in
            try await b.api(.POST, "/api/v1/proposals/\(o.programme.proposal(who))/steps", json: #"{"action":"decline","reason":"矩阵核对"}"#)
        },
        Route(name: "notices page", allowed: opennessReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/notices") },
        Route(name: "publish targeted notice", allowed: [.admin, .`operator`], ok: .seeOther) { b, o, who in
            try await b.get("/account")
            return try await b.post(
                "/units/\(o.grid)/notices", form: ["title": "矩阵公告\(who.rawValue)", "body": "", "audience": "buildings", "building_ids[]": o.building.uuidString])
        },
        Route(name: "API notices", allowed: opennessReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/notices") },
        Route(name: "API publish notice", allowed: [.admin, .`operator`], ok: .created) { b, o, who in
            try await b.api(.POST, "/api/v1/units/\(o.grid)/notices", json: #"{"title":"矩阵公告\#(who.rawValue)","audience":"care_group","care_tag":"elderly60"}"#)
        },
        Route(name: "API tasks", allowed: opennessReaders, ok: .ok, answers: belowCommunity) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.community)/tasks") },
        Route(name: "API submit task", allowed: [.department, .police], ok: .created) { b, o, who in
            try await b.api(.POST, "/api/v1/units/\(o.community)/tasks", json: #"{"title":"矩阵任务\#(who.rawValue)"}"#)
        },
    ]

    /// The service market: the desk's operator works it; leaders and the grid team read it in their
    /// part of the tree. Department accounts bound to no provider have no desk. The resident's phone
    /// passes the gate for the roles that may unmask (a leader sees the order but not the phone).
    static let marketReaders: Set<Who> = [.leader, .`operator`, .gridworker, .proxy]
    static let marketRoutes: [Route] = [
        Route(name: "market desk", allowed: marketReaders, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/market") },
        Route(name: "market order page", allowed: marketReaders, ok: .ok) { b, o, _ in try await b.get("/market/orders/\(o.programme.orders[0])") },
        Route(name: "market order step", allowed: [.`operator`], ok: .seeOther) { b, o, _ in
            try await b.get("/market/orders/\(o.programme.orders[0])")
            return try await b.post("/market/orders/\(o.programme.orders[0])/act", form: ["action": "refuse", "reason": "矩阵核对"])
        },
        Route(name: "market order phone", allowed: marketReaders, ok: .ok, answers: [.leader: .forbidden]) { b, o, _ in
            try await b.get("/market/orders/\(o.programme.orders[0])")
            return try await b.post("/market/orders/\(o.programme.orders[0])/phone", form: ["reason": "上门前联系"])
        },
        Route(name: "market figures page", allowed: marketReaders, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/market/figures") },
        Route(name: "market setup page", allowed: [.`operator`], ok: .ok, outside: .ok) { b, _, _ in try await b.get("/market/setup") },
        Route(name: "API market orders", allowed: marketReaders, ok: .ok, outside: .ok) { b, _, _ in try await b.api(.GET, "/api/v1/market/orders?state=ordered") },
        Route(name: "API market order", allowed: marketReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/market/orders/\(o.programme.orders[1])") },
        Route(name: "API market step", allowed: [.`operator`], ok: .ok) { b, o, _ in
            try await b.api(.POST, "/api/v1/market/orders/\(o.programme.orders[1])/steps", json: #"{"action":"cancel","reason":"矩阵核对"}"#)
        },
        Route(name: "API market reveal", allowed: marketReaders, ok: .ok, answers: [.leader: .forbidden]) { b, o, _ in
            try await b.api(.POST, "/api/v1/market/orders/\(o.programme.orders[1])/reveal", json: #"{"reason":"上门前联系"}"#)
        },
        Route(name: "API market figures", allowed: marketReaders, ok: .ok, outside: .ok) { b, _, _ in try await b.api(.GET, "/api/v1/market/figures") },
    ]

    static let visitors: Set<Who> = [.gridworker, .proxy]

    /// Home visits belong to a household of a grid; care archives to a person of it.
    static let visitRoutes: [Route] = [
        Route(name: "visit coverage page", allowed: logReaders, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/visits?order=building") },
        Route(name: "visit form", allowed: visitors, ok: .ok) { b, o, _ in try await b.get("/households/\(o.household)/visit") },
        Route(name: "API visits due", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/units/\(o.grid)/visits/due") },
        Route(name: "API record visit", allowed: visitors, ok: .created) { b, o, who in
            try await b.api(.POST, "/api/v1/households/\(o.household)/visits", json: #"{"seen":"矩阵走访\#(who.rawValue)"}"#)
        },
        Route(name: "API household visits", allowed: logReaders, ok: .ok) { b, o, _ in try await b.api(.GET, "/api/v1/households/\(o.household)/visits") },
        Route(name: "care archive page", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/residents/\(o.resident)/care") },
    ]

    /// An open need recorded in `grid`.
    static func recordNeed(_ app: Application, in grid: UUID) async throws -> UUID {
        try await NeedRepository(app.db).record(
            NeedDraft(text: "独居老人需要助餐"), in: grid, by: CaseActor(id: nil, name: "网格员", role: .gridWorker), at: app.clock.now(), scope: .everything
        ).id
    }

    /// Contact cards and the team's settings belong to a grid; the service catalogue is the district's.
    static let cardRoutes: [Route] = [
        Route(name: "grid contact card", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/card") },
        Route(name: "agent contact card", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/assignments/\(o.agent)/card") },
        Route(name: "contact card sheet", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/cards") },
        Route(name: "QR code download", allowed: readers, ok: .ok) { b, o, _ in try await b.get("/units/\(o.grid)/qr.svg") },
        Route(name: "team member settings", allowed: [.admin], ok: .seeOther) { b, o, _ in
            try await b.get("/account")
            return try await b.post("/units/\(o.grid)/assignments/\(o.agent)", form: ["phone_public": "1"])
        },
        Route(name: "service setup page", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/services/setup") },
    ]

    static let outboxWatchers: Set<Who> = [.admin, .`operator`]

    /// The notification outbox: a list (scoped rows, no object of its own) and the retry of a dead letter,
    /// here one that does not exist, so an allowed role gets 404 and every other role 403.
    static let outboxRoutes: [Route] = [
        Route(name: "outbox page", allowed: outboxWatchers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/notifications") },
        Route(name: "outbox retry", allowed: outboxWatchers, ok: .notFound) { b, _, _ in
            try await b.get("/account")
            return try await b.post("/notifications/\(UUID())/retry", form: [:])
        },
    ]

    /// The case screens. Lists and forms hold no object, so in and out of scope answer alike.
    static let caseRoutes: [Route] = [
        Route(name: "case queues", allowed: caseWorkers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/cases") },
        Route(name: "case entry form", allowed: caseEnterers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/cases/new") },
        // A case is made wherever it happened; the author then sees it or, outside their scope, the queues.
        Route(name: "case entry", allowed: caseEnterers, ok: .seeOther, outside: .seeOther) { b, _, who in
            try await b.get("/cases/new")
            return try await b.post("/cases/new", form: ["category": "city_appearance.dirty_road", "description": "矩阵测试\(who.rawValue)"])
        },
        // Another department's case looks exactly like a missing one.
        Route(name: "case page", allowed: caseWorkers, ok: .ok, answers: [.police: .notFound]) { b, o, _ in try await b.get("/cases/\(o.caseID)") },
        // 督办 is the operator's and the leader's step: the others may open the case but the machine refuses them.
        Route(name: "case step", allowed: caseWorkers, ok: .seeOther, answers: [.gridworker: .conflict, .proxy: .conflict, .department: .conflict, .police: .notFound]) { b, o, _ in
            try await b.get("/cases/\(o.caseID)")
            return try await b.post("/cases/\(o.caseID)/act", form: ["action": "supervise", "note": "请尽快办理"])
        },
    ]

    /// The case setup screens. Categories and departments are shared by the whole database, so
    /// only routing rules have a scope: a unit outside it is unknown (422), a rule on it missing (404).
    static let caseSetupRoutes: [Route] = [
        Route(name: "setup: categories", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/cases/setup/categories") },
        Route(name: "setup: category page", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in
            try await b.get("/cases/setup/categories/appeal.help")
        },
        Route(name: "setup: add category", allowed: caseConfigurers, ok: .seeOther, outside: .seeOther) { b, _, who in
            try await b.get("/cases/setup/categories")
            return try await b.post(
                "/cases/setup/categories",
                form: [
                    "parent": "appeal", "name_zh": "矩阵\(who.rawValue)", "department": "police",
                    "respond_hours": "2", "resolve_hours": "24", "counting": "clock",
                ])
        },
        Route(name: "setup: edit category", allowed: caseConfigurers, ok: .seeOther, outside: .seeOther) { b, _, _ in
            try await b.get("/cases/setup/categories/appeal.help")
            return try await b.post(
                "/cases/setup/categories/appeal.help",
                form: [
                    "name_zh": "求助", "department": "civil_affairs",
                    "respond_hours": "1", "resolve_hours": "12", "counting": "clock",
                ])
        },
        Route(name: "setup: take category out of use", allowed: caseConfigurers, ok: .seeOther, outside: .seeOther) { b, _, _ in
            try await b.get("/cases/setup/categories/appeal.suggestion")
            return try await b.post("/cases/setup/categories/appeal.suggestion/active", form: ["active": "0"])
        },
        Route(name: "setup: departments", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/cases/setup/departments") },
        Route(name: "setup: add department", allowed: caseConfigurers, ok: .seeOther, outside: .seeOther) { b, _, who in
            try await b.get("/cases/setup/departments")
            return try await b.post("/cases/setup/departments", form: ["name_zh": "矩阵部门\(who.rawValue)"])
        },
        Route(name: "setup: rename department", allowed: caseConfigurers, ok: .seeOther, outside: .seeOther) { b, _, _ in
            try await b.get("/cases/setup/departments")
            return try await b.post("/cases/setup/departments/property", form: ["name_zh": "物业公司"])
        },
        Route(name: "setup: routing rules", allowed: caseConfigurers, ok: .ok, outside: .ok) { b, _, _ in try await b.get("/cases/setup/routes") },
        Route(name: "setup: set rule", allowed: caseConfigurers, ok: .seeOther, outside: .unprocessableEntity) { b, o, _ in
            try await b.get("/cases/setup/routes")
            return try await b.post("/cases/setup/routes", form: ["category": "appeal.help", "unit": o.grid.uuidString, "department": "police"])
        },
        // The rule is laid directly each time, so every role finds one to delete.
        Route(name: "setup: delete rule", allowed: caseConfigurers, ok: .seeOther) { b, o, _ in
            let rule = try await CaseSetupRepository(b.app.db).setRule(category: "appeal.lost_property", unit: o.grid, department: "police", in: .everything).rule
            try await b.get("/cases/setup/routes")
            return try await b.post("/cases/setup/routes/\(rule.id)/delete", form: [:])
        },
    ]

    /// A case filed under `grid` by the command centre, accepted and dispatched to 住建 (`department`'s).
    static func fileCase(_ app: Application, in grid: UUID) async throws -> UUID {
        let repo = CaseRepository(app.db, cipher: app.keys.cipher)
        let op = CaseActor(id: nil, name: "受理员", role: .operator_)
        let id = try await repo.intake(
            CaseIntake(categoryKey: "city_appearance.exposed_garbage", channel: .hotline, title: "", description: "路边垃圾堆积", gridID: grid),
            actor: op, at: app.clock.now()
        ).id
        try await repo.apply(.accept(), to: id, actor: op, in: .everything, at: app.clock.now())
        try await repo.apply(.dispatch(department: "housing"), to: id, actor: op, in: .everything, at: app.clock.now())
        return id
    }

    /// A valid ID number no demo resident has, different for each role (and offset).
    static func freshID(_ who: Who, offset: Int = 0) -> String {
        let seq = 100 + Who.allCases.firstIndex(of: who)! + offset
        let body = "13010219800101" + String(seq)
        return body + String(ResidentID.checkCharacter(for: body)!)
    }

    /// A second district with one grid, household, resident, building and team member: outside
    /// every demo account's scope.
    static func foreignDistrict(_ app: Application) async throws -> Objects {
        let units = UnitRepository(app.db)
        let district = try await units.create(parentID: nil, level: .district, code: "110198", name: "邻区", boundary: nil, actor: nil, in: .everything)
        let street = try await units.create(parentID: district.id, level: .street, code: "110198001", name: "邻区街道", boundary: nil, actor: nil, in: .everything)
        let community = try await units.create(parentID: street.id, level: .community, code: "110198001001", name: "邻区社区", boundary: nil, actor: nil, in: .everything)
        let grid = try await units.create(parentID: community.id, level: .grid, code: "110198001001001", name: "邻区第1网格", boundary: nil, actor: nil, in: .everything)
        let sql = app.db as! any SQLDatabase
        let building = UUID(), household = UUID()
        try await sql.raw(
            """
            INSERT INTO buildings (id, code, unit_id, name, address, kind, lon, lat, created_at) \
            VALUES (\(bind: building), 'X-B01', \(bind: grid.id), '邻区1号楼', '邻区1号楼', 'residential', 116.0, 40.0, \(bind: Date()))
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO households (id, number, unit_id, building_id, address, kind, created_at) \
            VALUES (\(bind: household), 'X-0001', \(bind: grid.id), \(bind: building), '邻区1号楼101', 'registered', \(bind: Date()))
            """
        ).run()
        let people = ResidentRepository(app.db, cipher: app.keys.cipher)
        let resident = try await people.create(
            ResidentInput(
                name: "邻居", idNumber: "440524188001010014", phone: "13800000000", householdNumber: "X-0001",
                relation: "head", residenceType: "registered", tags: []), in: .everything)
        let member = try await StaffRepository(app.db).add(name: "邻区网格员", phone: nil, kindKey: "grid_worker_a", to: grid.id, duty: nil, buildingID: nil, in: .everything)
        let agent = try await StaffRepository(app.db).add(name: "邻区代办员", phone: nil, kindKey: "proxy_agent", to: grid.id, duty: nil, buildingID: nil, in: .everything)
        return Objects(
            grid: grid.id, community: community.id, otherCommunity: community.id, resident: resident.id, household: household,
            householdNumber: "X-0001", building: building, assignment: member.assignmentID, idNumber: "440524188001010014",
            name: "邻居", agent: agent.assignmentID, extraResidents: Array(repeating: resident.id, count: Who.allCases.count),
            caseID: try await fileCase(app, in: grid.id), need: try await recordNeed(app, in: grid.id),
            programme: try await programme(app, community: community.id, grid: grid.id))
    }

    /// The first demo grid (the grid worker's) and what hangs on it.
    static func ownGrid(_ app: Application) async throws -> Objects {
        let units = UnitRepository(app.db)
        let grids = try await units.all(in: .everything, level: .grid).filter { $0.code.hasPrefix("110199") }
        let grid = grids[0], other = grids.last!
        let people = ResidentRepository(app.db, cipher: app.keys.cipher)
        let residents = try await people.search(nil, gridID: grid.id, limit: 60, in: .everything).rows.filter { $0.householdID != nil && $0.idNumber != nil }
        try #require(residents.count > Who.allCases.count)
        let r = residents[0]
        let household = try await PlaceRepository(app.db).household(r.householdID!, in: .everything)
        let team = try await StaffRepository(app.db).team(of: grid.id, in: .everything)
        return Objects(
            grid: grid.id, community: grid.parentID!, otherCommunity: other.parentID!, resident: r.id, household: household.id,
            householdNumber: household.number, building: household.buildingID!, assignment: team[0].assignmentID,
            idNumber: r.idNumber!, name: r.name, agent: team[team.count - 1].assignmentID, extraResidents: Array(residents.dropFirst().prefix(Who.allCases.count)).map(\.id),
            caseID: try await fileCase(app, in: grid.id), need: try await recordNeed(app, in: grid.id),
            programme: try await programme(app, community: grid.parentID!, grid: grid.id))
    }

    @Test("every role gets exactly the expected answer on every data route", arguments: TestDatabase.enabled)
    func matrix(db: TestDatabase) async throws {
        try await withApp(db) { app in
            // setup
            let outside = try await Self.foreignDistrict(app)
            let inside = try await Self.ownGrid(app)
            var failures: [String] = []
            for who in Who.allCases {
                var b = try await Browser.login(app, as: who.rawValue)
                for route in Self.routes {
                    // MUT
                    let outsideAnswer = try await route.call(&b, outside, who).status
                    let insideAnswer = try await route.call(&b, inside, who).status
                    // validate
                    let allowed = route.allowed.contains(who)
                    let expectedInside: HTTPStatus = allowed ? route.answers[who] ?? route.ok : .forbidden
                    let expectedOutside: HTTPStatus = allowed ? route.outside : .forbidden
                    if insideAnswer != expectedInside { failures.append("\(who) \(route.name) in scope: \(insideAnswer.code), expected \(expectedInside.code)") }
                    if outsideAnswer != expectedOutside { failures.append("\(who) \(route.name) out of scope: \(outsideAnswer.code), expected \(expectedOutside.code)") }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }
}
