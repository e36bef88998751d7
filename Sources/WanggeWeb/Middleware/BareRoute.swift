import Vapor

/// The benchmark's ceiling: with `WANGGE_BENCH_BARE=1` the server answers `GET /bench/bare` with a
/// constant before any of its own middleware runs (no logging, headers, session or database), so
/// `/healthz` measured against it shows what the middleware costs (issue 16). Off by default: a
/// normal server never installs it, and then the path is an ordinary 404.
struct BareRoute: AsyncMiddleware {
    static let path = "/bench/bare"
    static let variable = "WANGGE_BENCH_BARE"

    static func isEnabled(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Bool { env[variable] == "1" }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.method == .GET, req.url.path == Self.path else { return try await next.respond(to: req) }
        return Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .init(staticString: "ok"))
    }
}
