import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Adds the headers every response needs: a Content-Security-Policy with no inline script,
/// no framing, no sniffing, and no caching of pages that may hold personal data.
/// Like the other middleware that needs no database, it stays on the event loop (no task per
/// request): each async middleware costs a hop to Swift's executor and back on every request.
struct SecurityHeaders: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { res in Self.add(to: res, req) }
    }

    static func add(to res: Response, _ req: Request) -> Response {
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
