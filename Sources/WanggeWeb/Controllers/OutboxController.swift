import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The notification outbox page (通知发件箱) for operators and the system administrator: what
/// reporters in the viewer's scope were told or are waiting to be told — queued, sent, failing and
/// retried, dead letters with their error — and 立即重发 for a dead letter (audited).
enum OutboxController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.outbox().pattern, use: index)
        pages.post(SiteURL.outboxRetry(UUID()).pattern, use: retry)
    }

    static func requireWatcher(_ req: Request) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.watchesOutbox, v.tokenScopes == nil else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    static func outbox(_ req: Request) -> NotificationOutbox { NotificationOutbox(req.db, cipher: req.keys.cipher) }

    static let pageSize = 100

    static func index(req: Request) async throws -> Response {
        let v = try requireWatcher(req)
        let state = req.query[String.self, at: "state"].flatMap(DeliveryState.init(rawValue:))
        let after = req.query[String.self, at: "after"].flatMap(UUID.init(uuidString:))
        let items = try await outbox(req).list(in: v.scope, state: state, after: after, limit: pageSize)
        let notice = req.session.data[SessionKeys.notice].flatMap { L10n.has($0) ? L10n.t($0) : $0 }
        req.session.data[SessionKeys.notice] = nil
        let body = OutboxPage.render(
            items: items, state: state, more: items.count == pageSize ? items.last?.id : nil, settings: req.application.notificationSettings,
            csrf: CSRF.token(req), notice: notice, now: req.now)
        return Layout.response(req, body, title: L10n.t("notify.title"))
    }

    static func retry(req: Request) async throws -> Response {
        let v = try requireWatcher(req)
        let id = try req.id()
        do {
            let cipher = req.keys.cipher
            _ = try await req.audited("notification.retry", object: "notification") { db in
                try await NotificationOutbox(db, cipher: cipher).retryNow(id, in: v.scope, now: req.now)
            } entry: { item in
                (id.uuidString, "case=\(item.caseID.uuidString); channel=\(item.channel.rawValue); kind=\(item.notice.kind.rawValue)")
            }
        } catch let e as StoreError {
            try await req.audit("notification.retry", object: "notification", id.uuidString, detail: e.key, outcome: "denied")
            throw e
        }
        req.session.data[SessionKeys.notice] = "notify.retried"
        return req.redirect(to: SiteURL.outbox(state: DeliveryState.dead.rawValue).path, redirectType: .normal)
    }
}
