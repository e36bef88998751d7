import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// Builds the application: storage from the environment, migrations, sessions in the database
/// (so several instances can share them), middleware, routes and commands.
public func configure(
    _ app: Application, environment env: [String: String] = ProcessInfo.processInfo.environment,
    helpOnly: Bool = Wangge.asksForHelp(CommandLine.arguments)
) async throws {
    registerCommands(app, environment: env)
    guard !helpOnly else {
        // `wangge --help`, `wangge X --help`: the commands describe themselves; no key file is made, no
        // database is opened or migrated (an in-memory one stands in so `migrate --help` is listed).
        app.databases.use(.sqlite(.memory), as: .sqlite, isDefault: true)
        return
    }
    let location = StoreLocation.from(environment: env)
    let (keys, newKeys) = try KeyFile.loadOrCreate(environment: env)
    app.keys = keys
    app.policy = SecurityPolicy(environment: env)
    app.metricsToken = env["WANGGE_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    _ = WanggeMetrics.registry  // swift-metrics' backend, so Vapor's request metrics are kept from the first request
    app.mapSettings = MapSettings(environment: env)
    app.open311 = Open311Settings(environment: env)
    // Every SQLite statement, password hash and file read runs on the blocking pool. NIO's shared one
    // has a thread per core (two here): a writer waiting for SQLite's lock or a log-in hashing a
    // password held half of it while the statements of every other request queued behind. The
    // application gets a pool of its own, before the databases are set up (they take it then).
    app.threadPool = NIOThreadPool(numberOfThreads: blockingThreads(env))
    app.threadPool.start()
    app.databases.use(try location.configuration(logQueries: Environment.get("WANGGE_SQL_LOG") == "1"), as: location.databaseID, isDefault: true)
    if newKeys { try KeyFile.refuseNewKeys(environment: env, databaseInitialised: await StoreSetup.isInitialised(app.db)) }
    // A key file that is not this database's stops start-up before anything is written with it.
    if await StoreSetup.isInitialised(app.db) { try await KeyCheck.verify(app.db, keys: app.keys) }
    for migration in StoreMigrations.all(keys: app.keys) { app.migrations.add(migration) }

    let busy = Int(env["WANGGE_SQLITE_BUSY_MS"] ?? "") ?? StoreSetup.defaultBusyTimeout
    let cache = Int(env["WANGGE_SQLITE_CACHE_MB"] ?? "").flatMap { (1...4096).contains($0) ? $0 : nil } ?? StoreSetup.defaultCacheMiB
    let writer = IntakeWriter(
        db: app.db, location: location, threadPool: app.threadPool, eventLoop: app.eventLoopGroup.any(), logger: app.logger,
        logQueries: Environment.get("WANGGE_SQL_LOG") == "1", busyTimeout: busy, cacheMiB: cache)
    app.caseIntake = CaseIntakeService(writer: writer, chain: app.keys.audit, environment: env)
    app.tallyCache = TallyCache()
    app.lifecycle.use(IntakeWriterShutdown())
    app.sessions.use { _ in DatabaseSessions() }
    let secure = env["WANGGE_SECURE_COOKIES"] == "1"
    app.secureCookies = secure
    app.sessions.configuration = SessionsConfiguration(cookieName: "wangge_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 12 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
    // Cost 12 in production; tests lower it (never below bcrypt's minimum of 4) to keep runs short.
    app.passwords.use(.bcrypt(cost: max(4, Int(env["WANGGE_BCRYPT_COST"] ?? "") ?? 12)))
    // The API speaks snake_case JSON with ISO 8601 times, like Open311 and most government interfaces.
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)
    // Routes that take files say so (imports, boundaries: 20 MB; photo forms stream, see FormReader).
    app.routes.defaultMaxBodySize = "2mb"

    app.middleware = Middlewares()
    if BareRoute.isEnabled(env) { app.middleware.use(BareRoute()) }
    if app.environment != .testing { app.middleware.use(RouteLoggingMiddleware(logLevel: .info)) }
    // Security headers outermost, so that error pages (403, 404, 500) carry them too.
    app.middleware.use(SecurityHeaders())
    app.middleware.use(RequestIDHeader())
    app.middleware.use(WanggeErrorMiddleware())
    app.middleware.use(Open311ErrorMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(ViewerMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(TextInputGuard())

    try routes(app)
    app.lifecycle.use(SweeperService(environment: env))
    app.notificationSettings = NotificationSettings(environment: env)
    app.lifecycle.use(NotificationService(settings: app.notificationSettings))

    try await app.autoMigrate()
    try await StoreSetup.prepare(app.databases, id: location.databaseID, logger: app.logger, busyTimeout: busy, cacheMiB: cache)
}

/// Threads of the application's blocking pool: `WANGGE_BLOCKING_THREADS`, else two per core and at
/// least four (two SQLite connections, one waiting for the other's lock, and room for the rest).
func blockingThreads(_ env: [String: String]) -> Int {
    if let n = Int(env["WANGGE_BLOCKING_THREADS"] ?? ""), (1...256).contains(n) { return n }
    return max(4, 2 * System.coreCount)
}

/// The command line's commands (`wangge --help` lists them).
func registerCommands(_ app: Application, environment env: [String: String]) {
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ImportUndoCommand(), as: "import-undo")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(CoverageCommand(), as: "coverage")
    app.asyncCommands.use(AccountCommand(), as: "account")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    app.asyncCommands.use(TOTPCommand(), as: "totp")
    app.asyncCommands.use(ApiKeyCommand(), as: "apikey")
    app.asyncCommands.use(SweepCommand(), as: "sweep")
    app.asyncCommands.use(NotifyCommand(), as: "notify")
    app.asyncCommands.use(BenchCommand(), as: "bench")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(MeasuresCommand(), as: "measures")
}

func routes(_ app: Application) throws {
    // Alive and the database answers. Written with futures, so a probe costs no task of its own.
    app.get(SiteURL.healthz.pattern) { req -> EventLoopFuture<Response> in
        guard let sql = req.db as? any SQLDatabase else { return req.eventLoop.makeFailedFuture(Abort(.internalServerError)) }
        return sql.raw("SELECT 1 AS ok").first().map { _ in Response(status: .ok, body: .init(staticString: "ok")) }
    }
    // Ready for traffic (for the load balancer): the database answers and every migration this
    // build knows has run. 503 with the reason otherwise.
    app.get(SiteURL.readyz.pattern) { req async -> Response in
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
            let done = Set(try await sql.raw("SELECT name FROM _fluent_migrations").all().map { try $0.decode(column: "name", as: String.self) })
            let missing = StoreMigrations.all(keys: req.keys).map(\.name).filter { !done.contains($0) }
            guard missing.isEmpty else { return Response(status: .serviceUnavailable, body: .init(string: "migrations pending: \(missing.joined(separator: ", "))")) }
            return Response(status: .ok, body: .init(string: "ready"))
        } catch {
            return Response(status: .serviceUnavailable, body: .init(string: "database unavailable"))
        }
    }
    app.get(SiteURL.asset("").pattern, use: Assets.serve)
    app.get(SiteURL.openAPI.pattern) { _ in try Assets.openAPI("openapi") }
    app.get(SiteURL.openAPIOpen311.pattern) { _ in try Assets.openAPI("open311-openapi") }
    app.get(SiteURL.metrics.pattern, use: WanggeMetrics.serve)
    app.get(SiteURL.leaflet("").pattern, use: MapSettings.serveLeaflet)
    app.get(SiteURL.login.pattern, use: LoginController.show)
    app.post(SiteURL.login.pattern, use: LoginController.submit)
    app.get(SiteURL.loginCode.pattern, use: LoginController.showCode)
    app.post(SiteURL.loginCode.pattern, use: LoginController.submitCode)
    app.post(SiteURL.logout.pattern, use: LoginController.logout)

    let pages = app.grouped(LoginRequired())
    pages.get(SiteURL.home.pattern) { req async throws -> Response in
        // Each role starts where its work is.
        let role = try req.requireViewer().role
        // Field roles start on their day, a leader on the dashboard of the unit it leads.
        let start: SiteURL =
            role.worksInField
            ? .today : role == .leader ? .dashboard() : role.readsRegister ? .units : role.worksCases ? .cases() : role.readsAuditLog ? .audit() : role.managesRoles ? .adminAccounts : .account
        return req.redirect(to: start.path)
    }
    pages.get(SiteURL.account.pattern, use: AccountController.show)
    pages.post(SiteURL.account.pattern, use: AccountController.changePassword)
    pages.post(SiteURL.accountTokens.pattern, use: AccountController.createToken)
    pages.post(SiteURL.accountTokenRevoke(UUID()).pattern, use: AccountController.revokeToken)
    pages.get(SiteURL.units.pattern, use: UnitController.index)
    pages.get(SiteURL.unit(UUID()).pattern, use: UnitController.show)
    pages.on(.POST, SiteURL.unitManage(UUID(), action: "").pattern, body: .collect(maxSize: "20mb"), use: UnitAdminController.handle)
    pages.post(SiteURL.unitAssignmentEnd(UUID(), assignment: UUID()).pattern, use: UnitAdminController.endAssignment)
    pages.get(SiteURL.residents().pattern, use: ResidentController.search)
    pages.get(SiteURL.resident(UUID()).pattern, use: ResidentController.show)
    pages.get(SiteURL.household(UUID()).pattern, use: ResidentController.household)
    pages.get(SiteURL.coverage().pattern, use: CoverageController.show)
    pages.get(SiteURL.importExport.pattern, use: DataController.show)
    pages.on(.POST, SiteURL.importExport.pattern, body: .stream, use: DataController.upload).streamsForm()
    pages.get(SiteURL.export(kind: "").pattern, use: DataController.export)
    pages.get(SiteURL.importProblems(UUID()).pattern, use: DataController.problems)
    pages.post(SiteURL.importUndo(UUID()).pattern, use: DataController.undo)
    pages.get(SiteURL.audit().pattern, use: AuditController.index)
    pages.post(SiteURL.auditVerify.pattern, use: AuditController.verify)
    pages.get(SiteURL.auditExport(AuditSearch()).pattern, use: AuditController.export)
    RightsController.register(pages)
    AdminController.register(pages)
    CaseController.register(pages)
    CaseSetupController.register(pages)
    ResidentCaseController.register(app)
    ReportMapController.register(app, pages: pages)
    Open311Controller.register(app)
    MailboxController.register(app)
    OutboxController.register(pages)
    ServiceCatalogueController.register(app, pages: pages)
    ContactCardController.register(pages)
    LogController.register(pages)
    PatrolController.register(pages)
    ExampleController.register(pages)
    VisitController.register(pages)
    CareController.register(pages)
    DashboardController.register(pages)
    DepartmentDashboardController.register(pages)
    KPIMapController.register(pages)
    RankingController.register(pages)
    WeightsController.register(pages)
    ReportController.register(pages)
    OpennessController.register(pages)
    NoticeReachController.register(app, pages: pages)
    StationController.register(pages)
    PartyController.register(pages)
    MarketController.register(pages)
    ResidentMarketController.register(app)
    VolunteerController.register(app, pages: pages)
    PortalController.register(app)
    CouncilController.register(pages)
    CouncilPortalController.register(app)
    SyncController.register(app, pages: pages)
    pages.post(SiteURL.unitMember(UUID(), assignment: UUID()).pattern, use: UnitAdminController.updateMember)

    let api = app.grouped("api", "v1").grouped(LoginRequired())
    UnitAPI.register(api)
    PeopleAPI.register(api)
    DataAPI.register(api)
    AuditController.register(api: api)
    RightsAPI.register(api)
    LogAPI.register(api)
    WorkerDayController.register(pages, api: api)
    PatrolAPI.register(api)
    VisitAPI.register(api)
    MeasuresAPI.register(api)
    RankingsAPI.register(api)
    OpennessAPI.register(api)
    SyncAPI.register(api)
    CouncilAPI.register(api)
    MarketAPI.register(api)
    VolunteerAPI.register(api)
}

struct KeyRingKey: StorageKey { typealias Value = KeyRing }
struct SecureCookiesKey: StorageKey { typealias Value = Bool }

extension Application {
    /// The secrets loaded at start-up (see `KeyFile`): field encryption and the audit chain key.
    var keys: KeyRing {
        get { storage[KeyRingKey.self]! }
        set { storage[KeyRingKey.self] = newValue }
    }
}

extension Application {
    /// WANGGE_SECURE_COOKIES=1 behind TLS: every cookie is marked Secure.
    var secureCookies: Bool {
        get { storage[SecureCookiesKey.self] ?? false }
        set { storage[SecureCookiesKey.self] = newValue }
    }
}

extension Request {
    var keys: KeyRing { application.keys }
}
