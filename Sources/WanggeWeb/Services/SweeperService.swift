import Fluent
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// Runs the time-limit sweeper (`CaseSweeper`) every `WANGGE_SWEEP_SECONDS` (60 by default, 0
/// turns it off) while the server runs. Every instance may run it: the sweeper takes each overdue
/// case once however many run at the same time. Each escalation is written to the audit log.
struct SweeperService: LifecycleHandler {
    let interval: Int
    let task = TaskBox()

    final class TaskBox: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<Void, Never>?
        func set(_ t: Task<Void, Never>?) {
            lock.withLock {
                task?.cancel(); task = t
            }
        }

        /// Runs `round` now and then every `seconds` until cancelled; a failed round is logged and the next one tried.
        func repeating(every seconds: Int, _ app: Application, what: String, _ round: @escaping @Sendable (Application) async throws -> Void) {
            set(
                Task { [app] in
                    while !Task.isCancelled {
                        do {
                            try await round(app)
                        } catch {
                            app.logger.error("\(what) failed: \(String(reflecting: error))")
                        }
                        try? await Task.sleep(for: .seconds(seconds))
                    }
                })
        }
    }

    init(environment env: [String: String]) {
        interval = Int(env["WANGGE_SWEEP_SECONDS"] ?? "") ?? 60
    }

    /// Whether this process serves requests (the sweeper is not wanted in `wangge demo` and the like).
    static var serving: Bool {
        let args = CommandLine.arguments.dropFirst()
        return args.first.map { $0 == "serve" || $0.hasPrefix("-") } ?? true
    }

    func didBoot(_ app: Application) throws {
        guard interval > 0, app.environment != .testing, Self.serving else { return }
        task.repeating(every: interval, app, what: "time-limit sweep") { _ = try await Self.run($0) }
    }

    func shutdown(_ app: Application) {
        task.set(nil)
    }

    /// One round now (by the application's clock); audits each case it stepped.
    static func run(_ app: Application) async throws -> CaseSweeper.Report {
        // Expired sessions, old rate-limit windows and long-sent notices go with each round, so no table grows without end.
        let now = app.clock.now()
        try await SessionRepository(app.db).purge(now: now)
        try await RateLimiter(app.db).sweep(olderThan: now.addingTimeInterval(-2 * 86400))
        try await NotificationOutbox(app.db, cipher: app.keys.cipher).pruneSent(now: now)
        // Months whose automatic freeze has passed are frozen here, so their figures stand even if no late step touches them.
        for month in try await MeasureMonths.freezeDue(at: now, on: app.db) { app.logger.info("\(L10n.t("measures.frozen", month.description))") }
        // Each case's 督办/escalation and its audit entry commit in one transaction.
        let report = try await CaseSweeper(app.db, cipher: app.keys.cipher, chain: app.keys.audit).sweep(now: app.clock.now())
        // Market offers past their time to take go back to the pool, each with its audit entry in one transaction.
        let lapsed = try await MarketSweeper(app.db, cipher: app.keys.cipher, chain: app.keys.audit).sweep(now: app.clock.now())
        if !lapsed.isEmpty { app.logger.info("\(L10n.t("market.time_outs_swept", lapsed.count))") }
        WanggeMetrics.sweep(report)
        // The planner's statistics follow the tables as they grow (a no-op when none changed much); last,
        // and never failing the round, so a busy database cannot hold up the escalations above.
        do { try await StoreSetup.refreshStatistics(app.db) } catch { app.logger.warning("statistics refresh failed: \(String(reflecting: error))") }
        if report.due > 0 {
            app.logger.info("\(L10n.t("sweep.done", report.due, report.supervised.count, report.escalated.count, report.skipped))")
        }
        return report
    }
}

/// `wangge sweep`: one round of the time-limit sweeper now, for a cron job or by hand.
struct SweepCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Supervise and escalate every case past its time limit now (the server also does this every minute)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let r = try await SweeperService.run(context.application)
        context.console.print(L10n.t("sweep.done", r.due, r.supervised.count, r.escalated.count, r.skipped))
    }
}
