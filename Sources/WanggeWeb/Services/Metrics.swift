import CoreMetrics
import Prometheus
import Vapor
import WanggeCore
import WanggeStore

/// `/metrics` in Prometheus's text format, per instance (Prometheus scrapes each one):
/// - `http_requests_total`, `http_request_errors_total` and `http_request_duration_seconds` by method,
///   route pattern and status — Vapor records them through swift-metrics once a backend is bootstrapped;
///   unknown paths count as `vapor_route_undefined`, so no one can fill the registry with made-up paths;
/// - `wangge_intake_batch_size` (reports per durable commit) and `wangge_intake_queued` (waiting now);
/// - `wangge_sweeper_runs_total`, `wangge_sweeper_cases_total{step=supervised|escalated|skipped}`;
/// - `wangge_notifications{state}`: the notification outbox by state (the backlog is queued + retrying).
/// Not public: with `WANGGE_METRICS_TOKEN` set it needs `Authorization: Bearer <token>`; without it only
/// a client on this machine that did not come through a proxy (no X-Forwarded-For) is answered.
enum WanggeMetrics {
    /// The one registry of the process, bootstrapped into swift-metrics the first time it is used
    /// (swift-metrics allows one bootstrap per process; tests start many applications).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static var notifications: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wangge", metricName: "notifications", unitName: "", helpText: "Notices in the outbox by state (backlog = queued + retrying)")
    }
    static var intakeQueued: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "wangge", metricName: "intake_queued", unitName: "", helpText: "Reports waiting for the next durable commit")
    }

    static func intakeBatch(_ size: Int) {
        Recorder(label: "wangge_intake_batch_size", aggregate: true).record(size)
    }

    static func sweep(_ report: CaseSweeper.Report) {
        Counter(label: "wangge_sweeper_runs_total").increment()
        for (step, n) in [("supervised", report.supervised.count), ("escalated", report.escalated.count), ("skipped", report.skipped)] where n > 0 {
            Counter(label: "wangge_sweeper_cases_total", dimensions: [("step", step)]).increment(by: n)
        }
    }

    static func serve(req: Request) async throws -> Response {
        guard allowed(req) else { throw Abort(.notFound) }
        // The reporters' notices and the households' notices: one outbox backlog, two tables.
        let counts = try await NotificationOutbox(req.db, cipher: req.keys.cipher).stateCounts().merging(
            try await NoticeReachRepository(req.db).stateCounts(), uniquingKeysWith: +)
        for state in DeliveryState.allCases.map(\.rawValue) {
            registry.makeGauge(descriptor: notifications, labels: [("state", state)]).set(Double(counts[state] ?? 0))
        }
        registry.makeGauge(descriptor: intakeQueued).set(Double(await req.application.caseIntake.batcher.queued))
        return Response(
            status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
            body: .init(string: registry.emitToString()))
    }

    static func allowed(_ req: Request) -> Bool {
        if let token = req.application.metricsToken {
            guard let sent = req.headers.bearerAuthorization?.token else { return false }
            return Data(SHA256.hash(data: Data(sent.utf8))) == Data(SHA256.hash(data: Data(token.utf8)))
        }
        guard req.headers.first(name: .xForwardedFor) == nil, let ip = req.remoteAddress?.ipAddress else { return false }
        return ip == "127.0.0.1" || ip == "::1"
    }
}

struct MetricsTokenKey: StorageKey { typealias Value = String }

extension Application {
    /// WANGGE_METRICS_TOKEN: the bearer token a Prometheus scraper sends for /metrics.
    var metricsToken: String? {
        get { storage[MetricsTokenKey.self] }
        set { storage[MetricsTokenKey.self] = newValue }
    }
}
