import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The resident's side of the service market ("群众点单"): /r/{grid code}/market lists the services
/// offered in the grid with their prices and takes an order without an account; a grid worker or
/// proxy agent signed in orders there for a resident (代办), named on the order. The order's code
/// leads to /m/{code}, where the resident follows it and, once done, rates it (评单). Orders are
/// limited per address, as reports are.
enum ResidentMarketController {
    static let ordersPerHour = 10

    static func register(_ app: Application) {
        app.get(SiteURL.residentMarket("").pattern, use: form)
        app.post(SiteURL.residentMarket("").pattern, use: place)
        app.get(SiteURL.marketTrack("").pattern, use: track)
        app.post(SiteURL.marketTrackRate("").pattern, use: rate)
    }

    static func grid(_ req: Request) async throws -> UnitRow {
        try await ResidentCaseController.located(req).grid
    }

    static func form(req: Request) async throws -> Response {
        let grid = try await grid(req)
        return try await formPage(req, grid, form: LogPages.Form(), status: .ok)
    }

    static func formPage(_ req: Request, _ grid: UnitRow, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let items = try await MarketController.repo(req).items(for: grid)
        let agent = req.viewer.flatMap { $0.role.ordersForResidents ? $0.account.displayName : nil }
        let body = MarketPages.orderForm(grid: grid, items: items, agent: agent, form: form, csrf: CSRF.token(req))
        return Layout.response(req, body, title: L10n.t("market.order_page", grid.name), status: status)
    }

    struct OrderForm: Content {
        var item: String?
        var contact_name: String?
        var contact_phone: String?
        var address: String?
        var note: String?

        var values: [String: String] {
            ["item": item ?? "", "contact_name": contact_name ?? "", "contact_phone": contact_phone ?? "", "address": address ?? "", "note": note ?? ""]
        }
    }

    static func place(req: Request) async throws -> Response {
        guard try await RateLimiter(req.db).hit("market:\(req.clientIP)", limit: ordersPerHour, window: 3600, now: req.now) else {
            throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
        }
        let grid = try await grid(req)
        let form = try req.content.decode(OrderForm.self)
        let draft = MarketOrderDraft(
            itemID: form.item.flatMap { UUID(uuidString: $0) }, contactName: form.contact_name ?? "", contactPhone: form.contact_phone ?? "", address: form.address ?? "",
            note: form.note)
        let agent = req.viewer.flatMap { $0.role.ordersForResidents ? $0.account.displayName : nil }
        let (cipher, now) = (req.keys.cipher, req.now)
        do {
            let row = try await req.audited("market.order", object: "market_order", actor: agent == nil ? ResidentCaseController.residentActor : nil) { db in
                try await MarketRepository(db, cipher: cipher).place(draft, in: grid, orderedBy: agent, at: now)
            } entry: { row in
                (row.id.uuidString, AuditDetail(["item": row.itemID.uuidString, "grid": row.unitID.uuidString, "by": agent == nil ? "resident" : "agent"]).text)
            }
            return req.redirect(to: SiteURL.marketTrack(row.code).path, redirectType: .normal)
        } catch let e as StoreError where e.kind == .invalid {
            return try await formPage(req, grid, form: LogPages.Form(values: form.values, problems: [e.field ?? "item": e.message()]), status: .unprocessableEntity)
        }
    }

    static func lookUp(_ req: Request) async throws -> MarketOrder {
        guard try await RateLimiter(req.db).hit("track:\(req.clientIP)", limit: ResidentCaseController.lookupsPerHour, window: 3600, now: req.now) else {
            throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
        }
        guard let row = try await MarketController.repo(req).find(code: req.parameters.get("code") ?? "") else { throw StoreError.notFound("order") }
        return row
    }

    static func track(req: Request) async throws -> Response {
        let row = try await lookUp(req)
        let events = try await MarketController.repo(req).events(of: row.id)
        return Layout.response(req, MarketPages.track(row, events: events, csrf: CSRF.token(req)), title: L10n.t("market.track_title", row.itemName))
    }

    struct RateForm: Content {
        var rating: String?
        var cancel: String?
        var reason: String?
    }

    /// 评单 of a done order, or the resident withdrawing an order nobody has taken yet.
    static func rate(req: Request) async throws -> Response {
        let row = try await lookUp(req)
        let form = try req.content.decode(RateForm.self)
        let action: MarketAction
        if form.cancel == "1" {
            action = .cancel(reason: form.reason ?? "")
        } else {
            guard let rating = form.rating.flatMap(MarketRating.init(rawValue:)) else { throw Abort(.badRequest, reason: L10n.t("market.rating_required")) }
            action = .rate(rating, note: nil)
        }
        let (cipher, now) = (req.keys.cipher, req.now)
        let actor = MarketStepActor(role: .resident, name: Mask.name(row.contactName))
        do {
            try await req.audited("market.\(action.kind.rawValue)", object: "market_order", actor: ResidentCaseController.residentActor) { db in
                try await MarketRepository(db, cipher: cipher).step(action, on: row.id, as: .staff(.everything), by: actor, at: now)
            } entry: { done in
                (done.id.uuidString, AuditDetail(["state": done.state.rawValue, "rating": done.rating?.rawValue]).text)
            }
        } catch let e as StoreError where e.kind != .notFound {
            throw Abort(e.kind == .invalid ? .unprocessableEntity : .conflict, reason: e.message())
        }
        return req.redirect(to: SiteURL.marketTrack(row.code).path, redirectType: .normal)
    }
}
