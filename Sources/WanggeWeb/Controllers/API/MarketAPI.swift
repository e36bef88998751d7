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
    static func masked(_ o: MarketOrder) -> MarketOrder {
        var out = o
        out.contactPhone = Mask.phone(o.contactPhone)
        return out
    }

    /// An order with its timeline and the steps the caller may take on it now.
    struct Detail: Content {
        var order: MarketOrder
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
        return Detail(order: masked(row), timeline: try await repo.events(of: row.id), steps: try await MarketController.steps(req, d, on: row))
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("market", "orders") { req async throws -> [MarketOrder] in
            let d = try await MarketController.requireDesk(req)
            let state = try req.queryValue("state", as: MarketOrderState.self)
            let limit = try req.queryInteger("limit", in: 1...200, default: 50)
            return try await MarketController.repo(req).list(as: d.market, state: state, after: try req.queryUUID("after"), limit: limit).map(masked)
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

extension MarketOrder: Content {}
extension MarketOrderEvent: Content {}
extension MarketFigures: Content {}
