import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Adds the headers every response needs: a Content-Security-Policy with no inline script,
/// no framing, no sniffing, and no caching of pages that may hold personal data.
struct SecurityHeaders: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src \(req.application.mapSettings.imageSources); style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        )
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // A response that chose private caching (a case photo, which never changes under its id) keeps it.
        if !req.url.path.hasPrefix("/assets/") && !req.url.path.hasPrefix("/vendor/") && res.headers.first(name: .cacheControl)?.hasPrefix("private") != true {
            res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return res
    }
}
