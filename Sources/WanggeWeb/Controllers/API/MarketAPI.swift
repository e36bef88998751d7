import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/market/orders`, `/market/orders/{id}`, `/market/orders/{id}/steps`,
/// `/market/orders/{id}/reveal` and `/market/figures`: the service market's desk for a phone or a
/// provider's own system. The same viewer as the desk page (the market staff of a part of the tree,
/// or a provider's bound account with its own orders and the pool of its items), the same steps per
/// role, the resident's phone masked unless shown through the gate; anything else is 404.
enum MarketAPI {
    /// An order as the API shows it: the resident's phone always masked (`reveal` shows it whole).
    struct Order: Content {
        var id: UUID
        var code: String
        var unitId: UUID
        var unitName: String
        var itemId: UUID
        var itemName: String
        var providerId: UUID?
        var providerName: String?
        var state: MarketOrderState
        var mode: MarketDispatchMode
        var priceCents: Int
        var contactName: String
        var contactPhone: String
        var address: String
        var note: String?
        var orderedBy: String?
        var orderedAt: Date
        var acceptBy: Date?
        var acceptedAt: Date?
        var acceptedOnTime: Bool?
        var completedAt: Date?
        var rating: MarketRating?
        var ratedAt: Date?
        var timeouts: Int

        init(_ o: MarketOrder) {
            (id, code, unitId, unitName, itemId, itemName) = (o.id, o.code, o.unitID, o.unitName, o.itemID, o.itemName)
            (providerId, providerName, state, mode, priceCents) = (o.providerID, o.providerName, o.state, o.mode, o.priceCents)
            (contactName, contactPhone, address, note, orderedBy, orderedAt) = (o.contactName, Mask.phone(o.contactPhone), o.address, o.note, o.orderedBy, o.orderedAt)
            (acceptBy, acceptedAt, acceptedOnTime, completedAt) = (o.acceptBy, o.acceptedAt, o.acceptedOnTime, o.completedAt)
            (rating, ratedAt, timeouts) = (o.rating, o.ratedAt, o.timeouts)
        }
    }

    /// An order with its timeline and the steps the caller may take on it now.
    struct Detail: Content {
        var order: Order
        var timeline: [MarketOrderEvent]
        var steps: [MarketActionKind]
    }

    struct StepBody: Content {
        var action: String
        var provider: UUID?
        var note: String?
        var reason: String?
    }

    struct RevealBody: Content { var reason: String? }
    struct Phone: Content { var phone: String }

    struct Figures: Content {
        var month: String
        var providers: [MarketFigures]
        var communities: [MarketFigures]
    }

    static func detail(_ req: Request, _ d: MarketController.Desk, _ id: UUID) async throws -> Detail {
        let repo = MarketController.repo(req)
        let row = try await repo.get(id, as: d.market)
        return Detail(order: Order(row), timeline: try await repo.events(of: row.id), steps: try await MarketController.steps(req, d, on: row))
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("market", "orders") { req async throws -> [Order] in
            let d = try await MarketController.requireDesk(req)
            let state = try req.queryValue("state", as: MarketOrderState.self)
            let limit = try req.queryInteger("limit", in: 1...200, default: 50)
            return try await MarketController.repo(req).list(as: d.market, state: state, after: try req.queryUUID("after"), limit: limit).map(Order.init)
        }
        api.get("market", "orders", ":id") { req async throws -> Detail in
            let d = try await MarketController.requireDesk(req)
            return try await detail(req, d, try req.id())
        }
        api.post("market", "orders", ":id", "steps") { req async throws -> Detail in
            let d = try await MarketController.requireDesk(req)
            try MarketController.requireStepper(d)
            let orderID = try req.id()
            let body = try req.content.decode(StepBody.self)
            let form = MarketController.ActForm(action: body.action, provider: body.provider?.uuidString, note: body.note, reason: body.reason)
            _ = try await MarketController.perform(req, d, orderID, form)
            return try await detail(req, d, orderID)
        }
        api.post("market", "orders", ":id", "reveal") { req async throws -> Phone in
            let d = try await MarketController.requireDesk(req)
            let orderID = try req.id()
            let body = try req.content.decode(RevealBody.self)
            return Phone(phone: try await MarketController.revealPhone(req, d, orderID, reason: body.reason))
        }
        api.get("market", "figures") { req async throws -> Figures in
            let d = try await MarketController.requireDesk(req)
            guard d.provider == nil else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
            var month = MeasureMonth(SimpleDate(req.now))
            if let raw = req.query[String.self, at: "month"], !raw.isEmpty {
                guard let asked = MeasureMonth(raw) else { throw BadParameter("month", expected: "YYYY-MM") }
                month = asked
            }
            let (from, to) = (month.first.startOfDayInChina, month.next.first.startOfDayInChina)
            let repo = MarketController.repo(req)
            return Figures(
                month: month.description, providers: try await repo.providerFigures(from: from, to: to, in: d.viewer.scope),
                communities: try await repo.communityFigures(from: from, to: to, in: d.viewer.scope))
        }
    }
}

extension MarketOrderEvent: Content {}
extension MarketFigures: Content {}
