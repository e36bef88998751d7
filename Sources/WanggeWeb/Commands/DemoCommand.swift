import Fluent
import SQLKit
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// `wangge demo`: generates a demo district (deterministic from a seed) into an empty database,
/// with one account per role, and prints how to log in.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "grids", help: "How many grids (default 12; 1000 reaches the size of a real district: ~534k households, ~1.2M residents, ~1M cases a year)")
        var grids: Int?
        @Option(name: "seed", help: "Random seed (default 2026); the same seed gives the same district")
        var seed: UInt64?
        @Option(
            name: "case-days",
            help: "Days of case history up to today (default 365, about 1,000 cases per grid a year; 0 = no cases, at most 3650)")
        var caseDays: Int?
        @Flag(name: "if-empty", help: "Do nothing when the database already holds a district")
        var ifEmpty: Bool
    }

    var help: String {
        "Generate a demo district with streets, communities, grids, teams, buildings, households, residents, demo accounts and a year of cases"
    }

    /// Days of case history by default: a year, so every queue, list and dashboard has content.
    static let defaultCaseDays = 365

    static let demoPassword = "Wangge@2026"

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let loader = DemoLoader(app.db, cipher: app.keys.cipher)
        if try await !loader.isEmpty() {
            if signature.ifEmpty { context.console.print("数据库已有数据,跳过演示数据生成 / database not empty, demo skipped"); return }
            throw StoreError(.conflict, "demo.not_empty")
        }
        var config = DemoConfig(today: .today)
        if let grids = signature.grids {
            guard (1...5000).contains(grids) else { throw StoreError(.invalid, "demo.bad_grids") }
            config.grids = grids
        }
        if let seed = signature.seed { config.seed = seed }
        let caseDays = signature.caseDays ?? Self.defaultCaseDays
        guard (0...DemoCaseSettings.maxDays).contains(caseDays) else { throw StoreError(.invalid, "demo.bad_case_days") }
        let bar = ProgressBar("生成演示区 / demo")
        let started = Date()
        let plan = try await loader.load(config) { bar.update($0, $1) }
        let accounts = try await Self.createAccounts(app, plan: plan)
        var cases = 0
        var casesTime = 0.0
        if caseDays > 0 {
            let caseBar = ProgressBar("演示事件 / demo cases")
            let casesStarted = Date()
            // Office-hour limits count the holidays and 调休 of the calendar in the database.
            let working = try await OfficeCalendarRepository(app.db).working()
            cases = try await loader.loadCases(plan: plan, days: caseDays, now: app.clock.now(), working: working) { caseBar.update($0, $1) }
            casesTime = Date().timeIntervalSince(casesStarted)
        }
        let patrols = try await loader.loadPatrols(now: app.clock.now())
        let examples = try await loader.loadExamples(now: app.clock.now())
        let openness = try await loader.loadOpenness(now: app.clock.now())
        _ = try await loader.loadTargetedNotices(now: app.clock.now())
        let stations = try await loader.loadStations(now: app.clock.now())
        let party = try await loader.loadParty(now: app.clock.now())
        let councils = try await loader.loadCouncils(now: app.clock.now())
        let market = try await loader.loadMarket(now: app.clock.now())
        let volunteers = try await loader.loadVolunteers(now: app.clock.now())
        if let sql = app.db as? any SQLDatabase { try await StoreSetup.analyze(sql) }
        let totals = try await CoverageRepository(app.db).totals(in: .everything)
        let root = try await UnitRepository(app.db).roots(in: .everything).first
        let t = root.flatMap { totals[$0.id] } ?? UnitTotals()
        context.console.print(
            String(
                format: "完成 / done in %.1f s: %d grids, %d buildings, %d households, %d residents",
                Date().timeIntervalSince(started), t.grids, t.buildings, t.households, t.residents))
        if cases > 0 {
            context.console.print(
                String(format: "  %d cases over %d days (%.1f s, %.0f cases/s)", cases, caseDays, casesTime, Double(cases) / max(casesTime, 0.001)))
        }
        context.console.print("  \(patrols) patrols, \(examples) worked examples, \(openness) openness records (power lists, four lists, tasks, decisions, notices)")
        context.console.print("  \(stations) service centres and stations, \(party) party records (branches, registrations, service hours)")
        context.console.print("  \(councils) council records (members, meetings, residents' proposals)")
        context.console.print("  \(market) service market records (providers, items, orders)")
        context.console.print("  \(volunteers) volunteer records (teams, volunteers, activities, hours, points, venues)")
        context.console.print("演示账号 / demo accounts (password \(Self.demoPassword)):")
        for (username, role) in accounts { context.console.print("  \(username.padding(toLength: 12, withPad: " ", startingAt: 0)) \(L10n.t(role.nameKey))") }
        context.console.print("两步验证 / TOTP: admin, security and auditor need a 6-digit code after the password;")
        context.console.print("  get it with `wangge totp USERNAME`, or add the account's key to an authenticator app (`wangge totp USERNAME --key`).")
    }

    /// One account per role, bound to the part of the tree that role works in.
    static func createAccounts(_ app: Application, plan: DemoPlan) async throws -> [(String, Role)] {
        let units = UnitRepository(app.db)
        let district = plan.units.first { $0.level == .district }!
        let street = plan.units.first { $0.level == .street }!
        let grid = plan.units.first { $0.level == .grid }!
        let layout: [(String, String, Role, String?)] = [
            ("admin", "系统管理员", .sysAdmin, district.code),
            ("security", "安全管理员", .securityAdmin, district.code),
            ("auditor", "审计员", .auditor, district.code),
            ("leader", "区领导", .leader, district.code),
            ("operator", "\(street.name)受理员", .operator_, street.code),
            // The district's command centre: letters and calls that belong to no grid land in its queue.
            ("center", "区指挥中心受理员", .operator_, district.code),
            ("gridworker", "\(grid.name)网格员", .gridWorker, grid.code),
            ("proxy", "\(grid.name)代办员", .proxyAgent, grid.code),
            ("department", "区住建委", .department, district.code),
            ("police", "区公安分局", .department, district.code),
            ("resident", "居民用户", .resident, nil),
        ]
        // Each department account works for its own departments only (住建委 also runs municipal works here).
        let departments: [String: [String]] = ["department": ["housing", "municipal"], "police": ["police"]]
        let teamKinds: [String: Set<String>] = ["gridworker": ["grid_worker_a", "grid_worker_b"], "proxy": ["proxy_agent"]]
        let hash = try await app.password.async.hash(demoPassword)
        var made: [(String, Role)] = []
        for (username, name, role, code) in layout {
            var unit: UnitRow?
            if let code { unit = try await units.find(code: code, in: .everything) }
            let account = try await AccountRepository(app.db).create(
                username: username, displayName: name, passwordHash: hash, role: role,
                unitID: unit?.id, mustChangePassword: false)
            if let keys = departments[username] { try await AccountRepository(app.db).setDepartments(account.id, keys) }
            // The grid's own people sign in as themselves: the account is one of the team.
            if let unit, let kinds = teamKinds[username],
                let member = try await StaffRepository(app.db).team(of: unit.id, in: .everything).first(where: { kinds.contains($0.kindKey) })
            {
                try await StaffRepository(app.db).link(staff: member.staffID, account: account.id)
            }
            if role.requiresTOTP {
                // Enrolled in advance so a newcomer can log in with `wangge totp USERNAME`.
                try await AccountRepository(app.db).setTOTP(account.id, encryptedSecret: app.keys.cipher.encrypt(WanggeSecurity.TOTP.generate().base32), step: nil)
            }
            made.append((username, role))
        }
        return made
    }
}
