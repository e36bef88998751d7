import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The service market's staff side: the desk at /market (orders of the viewer's part of the tree, or
/// for a provider's account its own orders and the pool of its items), an order's page with the
/// steps the viewer may take, the setup of providers and items at /market/setup, and the figures at
/// /market/figures. A provider is worked by a department account (职能部门) bound to it: that role
/// already sees nothing of the register and only the work sent to it. Every write commits with its
/// audit entry; anything outside the viewer's part is 404.
enum MarketController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.market(state: nil).pattern, use: desk)
        pages.get(SiteURL.marketOrder(UUID()).pattern, use: order)
        pages.post(SiteURL.marketOrderAct(UUID()).pattern, use: act)
        pages.post(SiteURL.marketOrderPhone(UUID()).pattern, use: phone)
        pages.get(SiteURL.marketSetup.pattern, use: setup)
        pages.post(SiteURL.marketProviders.pattern, use: addProvider)
        pages.post(SiteURL.marketItems.pattern, use: addItem)
        pages.post(SiteURL.marketProviderAccount(UUID()).pattern, use: bindAccount)
        pages.get(SiteURL.marketFigures(month: nil).pattern, use: figures)
    }

    static func repo(_ req: Request) -> MarketRepository { MarketRepository(req.db, cipher: req.keys.cipher) }
    static func repo(_ db: any Database, _ req: Request) -> MarketRepository { MarketRepository(db, cipher: req.keys.cipher) }

    /// Who is looking: the desk and the grid team in their scope, or a provider's bound account.
    struct Desk {
        var viewer: Viewer
        var market: MarketViewer
        var provider: MarketProvider?

        var actor: MarketStepActor {
            MarketStepActor(role: provider == nil ? .market : .provider, name: viewer.account.displayName, provider: provider?.id)
        }
    }

    static func requireDesk(_ req: Request) async throws -> Desk {
        let v = try req.requireViewer()
        guard v.allows(.registerRead) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        if v.role == .department, let p = try await repo(req).provider(forAccount: v.account.id) {
            return Desk(viewer: v, market: .provider(p.id), provider: p)
        }
        guard v.role.readsMarket else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return Desk(viewer: v, market: .staff(v.scope), provider: nil)
    }

    static func requireKeeper(_ req: Request) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.keepsMarket, v.allows(.registerWrite) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("order") }
        return id
    }

    // MARK: Desk and orders

    static func desk(req: Request) async throws -> Response {
        let d = try await requireDesk(req)
        let state = req.query[String.self, at: "state"].flatMap(MarketOrderState.init(rawValue:))
        let rows = try await repo(req).list(as: d.market, state: state, after: try req.queryUUID("after"), limit: 50)
        let body = MarketPages.desk(
            rows, state: state, provider: d.provider, keeps: d.viewer.role.keepsMarket, more: rows.count == 50 ? rows.last?.id : nil,
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("market.desk"))
    }

    static func order(req: Request) async throws -> Response {
        let d = try await requireDesk(req)
        return try await orderPage(req, d, id: try id(req), error: nil, status: .ok)
    }

    static func orderPage(_ req: Request, _ d: Desk, id: UUID, error: String?, status: HTTPStatus, phone shown: String? = nil) async throws -> Response {
        let repo = repo(req)
        let row = try await repo.get(id, as: d.market)
        let item = try await repo.item(row.itemID, in: .everything)
        let providers = try await repo.providers(in: .everything).filter { item.providers.contains($0.id) }
        // Masked for everyone; the full phone only through the gate (`phone`), for whoever's work needs it.
        let canReveal = shown == nil && Unmask.allowed(d.viewer, need: needsPhone(d, row))
        let body = MarketPages.order(
            row, phone: shown ?? Mask.phone(row.contactPhone), canReveal: canReveal, events: try await repo.events(of: row.id), steps: try await steps(req, d, on: row),
            providers: providers, csrf: CSRF.token(req), notice: LogController.takeNotice(req), error: error)
        return Layout.response(req, body, title: L10n.t("market.order_title", row.itemName), status: status)
    }

    /// The steps the viewer may take on an order now: the desk's operator, or the provider's account.
    static func steps(_ req: Request, _ d: Desk, on row: MarketOrder) async throws -> [MarketActionKind] {
        guard d.provider != nil || d.viewer.role.keepsMarket else { return [] }
        let item = try await repo(req).item(row.itemID, in: .everything)
        return MarketMachine.allowed(on: row.snapshot, by: d.provider == nil ? .market : .provider, provider: d.provider?.id, item: item.machine)
    }

    /// Whether the provider's account doing the work needs the resident's phone: its own order, taken.
    static func needsPhone(_ d: Desk, _ row: MarketOrder) -> Bool {
        d.provider != nil && row.providerID == d.provider?.id && row.state == .taken
    }

    /// The resident's full phone through the gate for personal data (role or the work in hand, a
    /// reason, the audit entry before it is handed out). 404 outside the viewer's orders.
    static func revealPhone(_ req: Request, _ d: Desk, _ orderID: UUID, reason raw: String?) async throws -> String {
        let row = try await repo(req).get(orderID, as: d.market)
        let what = Unmask.Request(action: "unmask", objectType: "market_order", objectID: row.id.uuidString)
        let (_, reason) = try await Unmask.check(req, what, reason: raw, need: needsPhone(d, row))
        try await Unmask.record(req, what, reason: reason)
        return row.contactPhone
    }

    struct RevealForm: Content { var reason: String? }

    /// "Show phone" on the order's page: the page again with the phone whole, once.
    static func phone(req: Request) async throws -> Response {
        let d = try await requireDesk(req)
        let orderID = try id(req)
        do {
            let phone = try await revealPhone(req, d, orderID, reason: try req.content.decode(RevealForm.self).reason)
            return try await orderPage(req, d, id: orderID, error: nil, status: .ok, phone: phone)
        } catch let e as StoreError where e.kind == .invalid {
            return try await orderPage(req, d, id: orderID, error: e.message(), status: .unprocessableEntity)
        }
    }

    struct ActForm: Content {
        var action: String?
        var provider: String?
        var note: String?
        var reason: String?
    }

    /// Only the desk's operator and a provider's account take steps; the grid team and leaders read.
    static func requireStepper(_ d: Desk) throws {
        guard d.viewer.allows(.registerWrite), d.provider != nil || d.viewer.role.keepsMarket else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
    }

    /// A step on an order, committed with its audit entry. A refused one throws: `.invalid` naming
    /// the field (`action`, `provider`, `reason`), `.conflict` when the order does not allow it now.
    static func perform(_ req: Request, _ d: Desk, _ orderID: UUID, _ form: ActForm) async throws -> MarketOrder {
        try requireStepper(d)
        guard let kind = form.action.flatMap(MarketActionKind.init(rawValue:)), kind != .timeOut, kind != .rate else {
            throw StoreError(.invalid, "market.bad_action", field: "action")
        }
        let chosen = form.provider.flatMap { UUID(uuidString: $0) }
        let action: MarketAction
        switch kind {
        case .approve: action = .approve(.pool, note: form.note)
        case .refuse: action = .refuse(reason: form.reason ?? "")
        case .place:
            guard let chosen else { throw StoreError(.invalid, "market.problem.provider_required", field: "provider") }
            action = .place(provider: chosen)
        case .take: action = .take
        case .claim: action = .claim(provider: d.provider?.id ?? UUID())
        case .decline: action = .decline(reason: form.reason ?? "")
        case .complete: action = .complete(note: form.note)
        case .cancel: action = .cancel(reason: form.reason ?? "")
        case .timeOut, .rate: throw StoreError(.invalid, "market.bad_action", field: "action")
        }
        let (market, actor, cipher, now) = (d.market, d.actor, req.keys.cipher, req.now)
        let (scope, note) = (d.viewer.scope, form.note)
        return try await req.audited("market.\(kind.rawValue)", object: "market_order") { db in
            let repo = MarketRepository(db, cipher: cipher)
            if kind == .approve {
                guard case .staff = market else { throw StoreError.notFound("order") }
                return try await repo.approve(orderID, chosen: chosen, note: note, in: scope, by: actor, at: now)
            }
            return try await repo.step(action, on: orderID, as: market, by: actor, at: now)
        } entry: { row in
            (row.id.uuidString, AuditDetail(["state": row.state.rawValue, "provider": row.providerID?.uuidString]).text)
        }
    }

    static func act(req: Request) async throws -> Response {
        let d = try await requireDesk(req)
        try requireStepper(d)
        let orderID = try id(req)
        let form = try req.content.decode(ActForm.self)
        do {
            _ = try await perform(req, d, orderID, form)
        } catch let e as StoreError where e.kind != .notFound {
            return try await orderPage(req, d, id: orderID, error: e.message(), status: e.kind == .invalid ? .unprocessableEntity : .conflict)
        }
        req.session.data[SessionKeys.notice] = "market.done"
        return req.redirect(to: SiteURL.marketOrder(orderID).path, redirectType: .normal)
    }

    // MARK: Setup

    static func setup(req: Request) async throws -> Response {
        let v = try requireKeeper(req)
        return try await setupPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func setupPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let repo = repo(req)
        let providers = try await repo.providers(in: v.scope)
        var accounts: [UUID: [String]] = [:]
        for p in providers { accounts[p.id] = try await repo.accounts(of: p.id) }
        let units = try await UnitRepository(req.db).all(in: v.scope).filter { $0.level == .street || $0.level == .community }
        let body = MarketPages.setup(
            providers: providers, accounts: accounts, items: try await repo.items(in: v.scope), units: units, form: form, csrf: CSRF.token(req),
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("market.setup"), status: status)
    }

    struct SetupForm: Content {
        var unit: String?
        var name: String?
        var kind: String?
        var phone: String?
        var price: String?
        var price_unit: String?
        var mode: String?
        var accept_hours: String?
        var providers: [String]?
        var username: String?

        var values: [String: String] {
            [
                "unit": unit ?? "", "name": name ?? "", "kind": kind ?? "", "phone": phone ?? "", "price": price ?? "", "price_unit": price_unit ?? "",
                "mode": mode ?? "", "accept_hours": accept_hours ?? "", "username": username ?? "",
            ]
        }
        var unitID: UUID { unit.flatMap { UUID(uuidString: $0) } ?? UUID() }
    }

    static func saved(_ req: Request) -> Response {
        req.session.data[SessionKeys.notice] = "market.saved"
        return req.redirect(to: SiteURL.marketSetup.path, redirectType: .normal)
    }

    /// Runs an audited setup write; a refused one shows the setup page again with the problem.
    static func write(
        _ req: Request, _ v: Viewer, _ form: SetupForm, prefix: String, _ action: String,
        _ change: @escaping @Sendable (MarketRepository, Scope) async throws -> (id: UUID, detail: String)
    ) async throws -> Response {
        let (scope, cipher) = (v.scope, req.keys.cipher)
        do {
            try await req.audited(action, object: action.hasPrefix("market.item") ? "market_item" : "market_provider") { db in
                try await change(MarketRepository(db, cipher: cipher), scope)
            } entry: { result in
                (result.id.uuidString, result.detail)
            }
            return saved(req)
        } catch let e as StoreError where e.kind == .invalid {
            var values = form.values.reduce(into: [String: String]()) { $0[prefix + $1.key] = $1.value }
            values["form"] = prefix
            return try await setupPage(req, v, form: LogPages.Form(values: values, problems: [prefix + (e.field ?? "name"): e.message()]), status: .unprocessableEntity)
        }
    }

    static func addProvider(req: Request) async throws -> Response {
        let v = try requireKeeper(req)
        let form = try req.content.decode(SetupForm.self)
        let (draft, unit, now) = (MarketProviderDraft(name: form.name ?? "", kind: form.kind ?? "", phone: form.phone), form.unitID, req.now)
        return try await write(req, v, form, prefix: "p_", "market.provider.add") { repo, scope in
            let p = try await repo.addProvider(draft, to: unit, at: now, in: scope)
            return (p.id, AuditDetail(["unit": p.unitID.uuidString, "name": p.name, "kind": p.kind]).text)
        }
    }

    static func addItem(req: Request) async throws -> Response {
        let v = try requireKeeper(req)
        let form = try req.content.decode(SetupForm.self)
        let draft = MarketItemDraft(
            name: form.name ?? "", price: form.price ?? "", priceUnit: form.price_unit ?? "", mode: form.mode ?? "", acceptHours: form.accept_hours ?? "",
            providers: (form.providers ?? []).compactMap { UUID(uuidString: $0) })
        let unit = form.unitID
        return try await write(req, v, form, prefix: "i_", "market.item.add") { repo, scope in
            let i = try await repo.addItem(draft, to: unit, in: scope)
            return (i.id, AuditDetail(["unit": i.unitID.uuidString, "name": i.name, "price_cents": String(i.priceCents), "mode": i.mode.rawValue]).text)
        }
    }

    static func bindAccount(req: Request) async throws -> Response {
        let v = try requireKeeper(req)
        let form = try req.content.decode(SetupForm.self)
        let (provider, username) = (try id(req), form.username ?? "")
        return try await write(req, v, form, prefix: "a_", "market.provider.account") { repo, scope in
            let account = try await repo.bindAccount(username, to: provider, in: scope)
            return (provider, AuditDetail(["account": account.username]).text)
        }
    }

    // MARK: Figures

    /// The month asked for ("2026-11"), or this month.
    static func month(_ req: Request) -> MeasureMonth {
        req.query[String.self, at: "month"].flatMap { MeasureMonth($0) } ?? MeasureMonth(SimpleDate(req.now))
    }

    static func figures(req: Request) async throws -> Response {
        let d = try await requireDesk(req)
        guard d.provider == nil else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let month = month(req)
        let (from, to) = (month.first.startOfDayInChina, month.next.first.startOfDayInChina)
        let repo = repo(req)
        let body = MarketPages.figures(
            month: month, providers: try await repo.providerFigures(from: from, to: to, in: d.viewer.scope),
            communities: try await repo.communityFigures(from: from, to: to, in: d.viewer.scope))
        return Layout.response(req, body, title: L10n.t("market.figures_title", month.description))
    }
}
