import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// A provider of the service market: a property company, a volunteer team or a merchant, set up
/// for a street or a community.
public struct MarketProvider: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var name: String
    public var kind: String
    public var phone: String?
    public var active: Bool

    public static let kinds = ["property", "volunteer", "merchant"]

    enum CodingKeys: String, CodingKey {
        case id, name, kind, phone, active
        case unitID = "unit_id", unitName = "unit_name"
    }

    static let select = "SELECT p.id, p.unit_id, u.name AS unit_name, p.name, p.kind, p.phone, p.active FROM market_providers p JOIN units u ON u.id = p.unit_id"
}

/// A service item with its price, dispatch mode, time to take an order, and its providers in turn order.
public struct MarketItem: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var unitID: UUID
    public var unitName: String
    public var name: String
    public var priceCents: Int
    public var priceUnit: String
    public var mode: MarketDispatchMode
    public var acceptHours: Int
    public var active: Bool
    public var lastProviderID: UUID?
    public var providers: [UUID] = []

    enum CodingKeys: String, CodingKey {
        case id, name, mode, active
        case unitID = "unit_id", unitName = "unit_name", priceCents = "price_cents", priceUnit = "price_unit", acceptHours = "accept_hours"
        case lastProviderID = "last_provider_id"
    }

    public var machine: MarketMachine.Item { MarketMachine.Item(providers: providers, acceptLimit: TimeInterval(acceptHours) * 3600) }

    static let select = """
        SELECT i.id, i.unit_id, u.name AS unit_name, i.name, i.price_cents, i.price_unit, i.mode, i.accept_hours, i.active, i.last_provider_id \
        FROM market_items i JOIN units u ON u.id = i.unit_id
        """
}

/// A provider as typed in its form.
public struct MarketProviderDraft: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var phone: String?
    public init(name: String, kind: String, phone: String? = nil) { (self.name, self.kind, self.phone) = (name, kind, phone) }
}

/// A service item as typed in its form; `price` is in yuan ("30", "12.5").
public struct MarketItemDraft: Sendable, Equatable {
    public var name: String
    public var price: String
    public var priceUnit: String
    public var mode: String
    public var acceptHours: String
    public var providers: [UUID]
    public init(name: String, price: String, priceUnit: String, mode: String, acceptHours: String, providers: [UUID]) {
        (self.name, self.price, self.priceUnit, self.mode, self.acceptHours, self.providers) = (name, price, priceUnit, mode, acceptHours, providers)
    }
}

/// An order as the resident (or a proxy agent for them) places it.
public struct MarketOrderDraft: Sendable, Equatable {
    public var itemID: UUID?
    public var contactName: String
    public var contactPhone: String
    public var address: String
    public var note: String?
    public init(itemID: UUID?, contactName: String, contactPhone: String, address: String, note: String? = nil) {
        (self.itemID, self.contactName, self.contactPhone, self.address, self.note) = (itemID, contactName, contactPhone, address, note)
    }
}

/// An order as stored, its contact phone decrypted (mask it for whoever does not need it).
public struct MarketOrder: Sendable, Equatable, Identifiable, Codable {
    public var id: UUID
    public var code: String
    public var unitID: UUID
    public var unitName: String
    public var communityID: UUID?
    public var itemID: UUID
    public var itemName: String
    public var providerID: UUID?
    public var providerName: String?
    public var state: MarketOrderState
    public var mode: MarketDispatchMode
    public var priceCents: Int
    public var contactName: String
    public var contactPhone: String
    public var address: String
    public var note: String?
    public var orderedBy: String?
    public var orderedAt: Date
    public var acceptBy: Date?
    public var acceptedAt: Date?
    public var acceptedOnTime: Bool?
    public var completedAt: Date?
    public var rating: MarketRating?
    public var ratedAt: Date?
    public var timeouts: Int
    public var version: Int

    /// The API's names (`version` is the one a step writes over).
    enum CodingKeys: String, CodingKey {
        case id, code, state, mode, address, note, rating, timeouts, version
        case communityID = "community_id", unitID = "unit_id", unitName = "unit_name", itemID = "item_id", itemName = "item_name", providerID = "provider_id", providerName = "provider_name"
        case priceCents = "price_cents", contactName = "contact_name", contactPhone = "contact_phone", orderedBy = "ordered_by", orderedAt = "ordered_at"
        case acceptBy = "accept_by", acceptedAt = "accepted_at", acceptedOnTime = "accepted_on_time", completedAt = "completed_at", ratedAt = "rated_at"
    }

    public var snapshot: MarketOrderSnapshot {
        MarketOrderSnapshot(
            state: state, provider: providerID, acceptBy: acceptBy, acceptedAt: acceptedAt, acceptedOnTime: acceptedOnTime, completedAt: completedAt,
            rating: rating, timeouts: timeouts)
    }
}

/// One step in an order's timeline (numbered per order, so steps at the same moment keep their order).
public struct MarketOrderEvent: Codable, Sendable, Equatable {
    /// A step of the machine, or "order" for the order itself.
    public var action: String
    public var fromState: MarketOrderState?
    public var toState: MarketOrderState
    public var actorRole: MarketActor
    public var actorName: String
    public var providerName: String?
    public var note: String?
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case action, note, at
        case fromState = "from_state", toState = "to_state", actorRole = "actor_role", actorName = "actor_name", providerName = "provider_name"
    }
}

/// Who looks at orders: the market desk of a part of the tree, or a provider (its own orders and
/// the pooled orders of the items it offers, wherever they are).
public enum MarketViewer: Sendable, Equatable {
    case staff(Scope)
    case provider(UUID)

    func condition(_ alias: String) -> SQLQueryString {
        switch self {
        case .staff(let scope):
            return scope.condition("\(alias).unit_id")
        case .provider(let p):
            return """
                (\(ident: alias).provider_id = \(bind: p) OR (\(ident: alias).state = \(bind: MarketOrderState.pooled.rawValue) \
                AND \(ident: alias).item_id IN (SELECT item_id FROM market_item_providers WHERE provider_id = \(bind: p))))
                """
        }
    }
}

/// Who takes a step, as the timeline names them.
public struct MarketStepActor: Sendable, Equatable {
    public var role: MarketActor
    public var name: String
    /// The provider an account works for, when `role` is `.provider`.
    public var provider: UUID?
    public init(role: MarketActor, name: String, provider: UUID? = nil) { (self.role, self.name, self.provider) = (role, name, provider) }

    public static let sweeper = MarketStepActor(role: .system, name: L10n.t("market.actor.system"))
}

/// Keeps the service market. Providers and items belong to a street or community and orders to a
/// grid, so every read and write takes a `Scope` (or, for a provider, its own id): anything outside
/// it is missing (404). Order steps go through `MarketMachine`; each write carries the order's
/// version, so of two steps racing on one order (two providers claiming it) one wins and the other
/// is refused.
public struct MarketRepository: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    public static let maxName = 100
    public static let maxText = 500

    // MARK: Providers

    static func text(_ raw: String?, field: String, required key: String?, max: Int) throws -> String? {
        let t = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if t.isEmpty {
            if let key { throw StoreError(.invalid, key, field: field) }
            return nil
        }
        guard t.count <= max else { throw StoreError(.invalid, "market.too_long", [String(max)], field: field) }
        return t
    }

    /// The street or community a provider or item is set up for, in scope.
    func marketUnit(_ id: UUID, in scope: Scope) async throws -> UnitRow {
        let unit = try await UnitRepository(db).get(id, in: scope)
        guard unit.level == .street || unit.level == .community else { throw StoreError(.invalid, "market.bad_unit", field: "unit") }
        return unit
    }

    func checked(_ draft: MarketProviderDraft) throws -> (name: String, kind: String, phone: String?) {
        let name = try Self.text(draft.name, field: "name", required: "market.name_required", max: Self.maxName)!
        guard MarketProvider.kinds.contains(draft.kind) else { throw StoreError(.invalid, "market.bad_kind", field: "kind") }
        let phone = try Self.text(draft.phone, field: "phone", required: nil, max: 30)
        return (name, draft.kind, phone)
    }

    public func addProvider(_ draft: MarketProviderDraft, to unitID: UUID, at now: Date, in scope: Scope) async throws -> MarketProvider {
        let unit = try await marketUnit(unitID, in: scope)
        let p = try checked(draft)
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO market_providers (id, unit_id, name, kind, phone, active, created_at) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: p.name), \(bind: p.kind), \(bind: p.phone), \(bind: true), \(bind: now))
            """
        ).run()
        return try await provider(id, in: scope)
    }

    public func updateProvider(_ id: UUID, _ draft: MarketProviderDraft, active: Bool, in scope: Scope) async throws -> (MarketProvider, MarketProvider) {
        let was = try await provider(id, in: scope)
        let p = try checked(draft)
        try await sql.raw(
            "UPDATE market_providers SET name = \(bind: p.name), kind = \(bind: p.kind), phone = \(bind: p.phone), active = \(bind: active) WHERE id = \(bind: id)"
        ).run()
        return (was, try await provider(id, in: scope))
    }

    public func findProvider(_ id: UUID, in scope: Scope) async throws -> MarketProvider? {
        try await sql.raw("\(unsafeRaw: MarketProvider.select) WHERE p.id = \(bind: id) AND \(scope.condition("p.unit_id"))").first(decoding: MarketProvider.self)
    }

    public func provider(_ id: UUID, in scope: Scope) async throws -> MarketProvider {
        guard let p = try await findProvider(id, in: scope) else { throw StoreError.notFound("provider") }
        return p
    }

    /// The providers set up in the caller's part of the tree, by unit and name.
    public func providers(in scope: Scope) async throws -> [MarketProvider] {
        try await sql.raw("\(unsafeRaw: MarketProvider.select) WHERE \(scope.condition("p.unit_id")) ORDER BY u.path, p.name, p.id")
            .all(decoding: MarketProvider.self)
    }

    /// The provider an account works for, if it is bound to one.
    public func provider(forAccount accountID: UUID) async throws -> MarketProvider? {
        try await sql.raw(
            "\(unsafeRaw: MarketProvider.select) JOIN market_provider_accounts a ON a.provider_id = p.id WHERE a.account_id = \(bind: accountID)"
        ).first(decoding: MarketProvider.self)
    }

    /// Binds a department account (by its user name) to the provider, so it works the provider's
    /// orders. An account works for one provider at most.
    public func bindAccount(_ username: String, to providerID: UUID, in scope: Scope) async throws -> AccountRow {
        let provider = try await provider(providerID, in: scope)
        guard let account = try await AccountRepository(db).find(username: username.trimmingSpaces()), account.role == .department else {
            throw StoreError(.invalid, "market.unknown_account", field: "username")
        }
        if let bound = try await self.provider(forAccount: account.id) {
            guard bound.id == provider.id else { throw StoreError(.invalid, "market.account_taken", field: "username") }
            return account
        }
        // Bound at the same moment by another request: the account's key keeps the first binding.
        let inserted = try await sql.raw(
            "INSERT INTO market_provider_accounts (account_id, provider_id) VALUES (\(bind: account.id), \(bind: provider.id)) ON CONFLICT (account_id) DO NOTHING RETURNING account_id"
        ).all()
        if inserted.isEmpty, try await self.provider(forAccount: account.id)?.id != provider.id { throw StoreError(.invalid, "market.account_taken", field: "username") }
        return account
    }

    /// The user names of the accounts working for a provider.
    public func accounts(of providerID: UUID) async throws -> [String] {
        struct Row: Decodable { var username: String }
        return try await sql.raw(
            "SELECT a.username FROM accounts a JOIN market_provider_accounts m ON m.account_id = a.id WHERE m.provider_id = \(bind: providerID) ORDER BY a.username"
        ).all(decoding: Row.self).map(\.username)
    }

    // MARK: Items

    /// Yuan as typed ("30", "12.5", "0") to cents; nil when it is not such an amount.
    public static func cents(_ price: String) -> Int? {
        let t = price.trimmingSpaces()
        guard !t.isEmpty, t.count <= 9, let d = Decimal(string: t), d >= 0 else { return nil }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }), parts.count < 2 || parts[1].count <= 2 else { return nil }
        let yuan = Int(parts[0]) ?? 0
        let fen = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0 : 0
        return yuan * 100 + fen
    }

    func checked(_ draft: MarketItemDraft, under unit: UnitRow, in scope: Scope) async throws -> (name: String, cents: Int, unit: String, mode: MarketDispatchMode, hours: Int) {
        let name = try Self.text(draft.name, field: "name", required: "market.name_required", max: Self.maxName)!
        guard let cents = Self.cents(draft.price) else { throw StoreError(.invalid, "market.bad_price", field: "price") }
        let priceUnit = try Self.text(draft.priceUnit, field: "price_unit", required: nil, max: 10) ?? "次"
        guard let mode = MarketDispatchMode(rawValue: draft.mode) else { throw StoreError(.invalid, "market.bad_mode", field: "mode") }
        guard let hours = Int(draft.acceptHours.trimmingSpaces()), (1...168).contains(hours) else { throw StoreError(.invalid, "market.bad_hours", field: "accept_hours") }
        guard !draft.providers.isEmpty else { throw StoreError(.invalid, "market.providers_required", field: "providers") }
        // An item's providers are those of its own unit or of a unit above it (a street's property company serves its communities).
        for p in draft.providers {
            guard let row = try await findProvider(p, in: scope), unit.path.hasPrefix(try await UnitRepository(db).get(row.unitID, in: .everything).path) else {
                throw StoreError(.invalid, "market.unknown_provider", field: "providers")
            }
        }
        return (name, cents, priceUnit, mode, hours)
    }

    func setProviders(_ providers: [UUID], of itemID: UUID) async throws {
        try await sql.raw("DELETE FROM market_item_providers WHERE item_id = \(bind: itemID)").run()
        var seen: Set<UUID> = []
        for (i, p) in providers.enumerated() where seen.insert(p).inserted {
            try await sql.raw("INSERT INTO market_item_providers (item_id, provider_id, position) VALUES (\(bind: itemID), \(bind: p), \(bind: i))").run()
        }
    }

    public func addItem(_ draft: MarketItemDraft, to unitID: UUID, in scope: Scope) async throws -> MarketItem {
        let unit = try await marketUnit(unitID, in: scope)
        let c = try await checked(draft, under: unit, in: scope)
        let id = UUID()
        try await sql.raw(
            """
            INSERT INTO market_items (id, unit_id, name, price_cents, price_unit, mode, accept_hours, active) \
            VALUES (\(bind: id), \(bind: unit.id), \(bind: c.name), \(bind: c.cents), \(bind: c.unit), \(bind: c.mode.rawValue), \(bind: c.hours), \(bind: true))
            """
        ).run()
        try await setProviders(draft.providers, of: id)
        return try await item(id, in: scope)
    }

    public func updateItem(_ id: UUID, _ draft: MarketItemDraft, active: Bool, in scope: Scope) async throws -> (MarketItem, MarketItem) {
        let was = try await item(id, in: scope)
        let unit = try await UnitRepository(db).get(was.unitID, in: scope)
        let c = try await checked(draft, under: unit, in: scope)
        try await sql.raw(
            """
            UPDATE market_items SET name = \(bind: c.name), price_cents = \(bind: c.cents), price_unit = \(bind: c.unit), mode = \(bind: c.mode.rawValue), \
            accept_hours = \(bind: c.hours), active = \(bind: active) WHERE id = \(bind: id)
            """
        ).run()
        try await setProviders(draft.providers, of: id)
        return (was, try await item(id, in: scope))
    }

    func withProviders(_ items: [MarketItem]) async throws -> [MarketItem] {
        guard !items.isEmpty else { return [] }
        struct Row: Decodable { var item_id: UUID; var provider_id: UUID }
        let rows = try await sql.raw(
            "SELECT item_id, provider_id FROM market_item_providers WHERE item_id IN (\(binds: items.map(\.id))) ORDER BY position, provider_id"
        ).all(decoding: Row.self)
        var byItem: [UUID: [UUID]] = [:]
        for r in rows { byItem[r.item_id, default: []].append(r.provider_id) }
        return items.map {
            var i = $0; i.providers = byItem[i.id] ?? []; return i
        }
    }

    public func item(_ id: UUID, in scope: Scope) async throws -> MarketItem {
        guard let row = try await sql.raw("\(unsafeRaw: MarketItem.select) WHERE i.id = \(bind: id) AND \(scope.condition("i.unit_id"))").first(decoding: MarketItem.self)
        else { throw StoreError.notFound("item") }
        return try await withProviders([row])[0]
    }

    /// The items set up in the caller's part of the tree.
    public func items(in scope: Scope) async throws -> [MarketItem] {
        try await withProviders(
            sql.raw("\(unsafeRaw: MarketItem.select) WHERE \(scope.condition("i.unit_id")) ORDER BY u.path, i.name, i.id").all(decoding: MarketItem.self))
    }

    /// The active items a resident of `grid` may order: those of its community and street.
    public func items(for grid: UnitRow) async throws -> [MarketItem] {
        let above = grid.path.split(separator: "/").compactMap { UUID(uuidString: String($0)) }
        let ids = above.isEmpty ? [grid.id] : above
        return try await withProviders(
            sql.raw("\(unsafeRaw: MarketItem.select) WHERE i.active = \(bind: true) AND i.unit_id IN (\(binds: ids)) ORDER BY u.path, i.name, i.id")
                .all(decoding: MarketItem.self))
    }

    // MARK: Orders

    struct OrderRow: Decodable {
        var id: UUID
        var code: String
        var unit_id: UUID
        var unit_name: String
        var community_id: UUID?
        var item_id: UUID
        var item_name: String
        var provider_id: UUID?
        var provider_name: String?
        var state: MarketOrderState
        var mode: MarketDispatchMode
        var price_cents: Int
        var contact_name: String
        var contact_phone: String
        var address: String
        var note: String?
        var ordered_by: String?
        var ordered_at: Date
        var accept_by: Date?
        var accepted_at: Date?
        var accepted_on_time: Bool?
        var completed_at: Date?
        var rating: MarketRating?
        var rated_at: Date?
        var timeouts: Int
        var version: Int
    }

    static let orderSelect = """
        SELECT o.id, o.code, o.unit_id, u.name AS unit_name, o.community_id, o.item_id, i.name AS item_name, o.provider_id, p.name AS provider_name, \
        o.state, o.mode, o.price_cents, o.contact_name, o.contact_phone, o.address, o.note, o.ordered_by, o.ordered_at, o.accept_by, o.accepted_at, \
        o.accepted_on_time, o.completed_at, o.rating, o.rated_at, o.timeouts, o.version \
        FROM market_orders o JOIN units u ON u.id = o.unit_id JOIN market_items i ON i.id = o.item_id LEFT JOIN market_providers p ON p.id = o.provider_id
        """

    func order(_ r: OrderRow) -> MarketOrder {
        MarketOrder(
            id: r.id, code: r.code, unitID: r.unit_id, unitName: r.unit_name, communityID: r.community_id, itemID: r.item_id, itemName: r.item_name,
            providerID: r.provider_id, providerName: r.provider_name, state: r.state, mode: r.mode, priceCents: r.price_cents, contactName: r.contact_name,
            contactPhone: (try? cipher.decrypt(r.contact_phone)) ?? "", address: r.address, note: r.note, orderedBy: r.ordered_by, orderedAt: r.ordered_at,
            acceptBy: r.accept_by, acceptedAt: r.accepted_at, acceptedOnTime: r.accepted_on_time, completedAt: r.completed_at, rating: r.rating,
            ratedAt: r.rated_at, timeouts: r.timeouts, version: r.version)
    }

    /// 点单: an order for an item offered in `grid`, by the resident (`orderedBy` nil) or a proxy agent
    /// for them (`orderedBy` their name). It waits for the market's review.
    public func place(_ draft: MarketOrderDraft, in grid: UnitRow, orderedBy: String?, at now: Date) async throws -> MarketOrder {
        guard grid.level == .grid else { throw StoreError(.invalid, "log.not_grid", field: "unit") }
        guard let itemID = draft.itemID, let item = try await items(for: grid).first(where: { $0.id == itemID }) else {
            throw StoreError(.invalid, "market.unknown_item", field: "item")
        }
        let name = try Self.text(draft.contactName, field: "contact_name", required: "market.contact_required", max: 50)!
        let phone: String
        do { phone = try Phone.normalize(draft.contactPhone) } catch { throw StoreError(.invalid, "case.problem", [error.message()], field: "contact_phone") }
        let address = try Self.text(draft.address, field: "address", required: "market.address_required", max: 200)!
        let note = try Self.text(draft.note, field: "note", required: nil, max: Self.maxText)
        let community = try await UnitRepository(db).lineage(of: grid, in: .everything).first { $0.level == .community }
        let id = UUID()
        let code = TrackingCode.make()
        try await sql.raw(
            """
            INSERT INTO market_orders (id, code, unit_id, community_id, item_id, state, mode, price_cents, contact_name, contact_phone, address, note, \
            ordered_by, ordered_at, timeouts, version) VALUES (\(bind: id), \(bind: code), \(bind: grid.id), \(bind: community?.id), \(bind: item.id), \
            \(bind: MarketOrderState.ordered.rawValue), \(bind: item.mode.rawValue), \(bind: item.priceCents), \(bind: name), \(bind: cipher.encrypt(phone)), \
            \(bind: address), \(bind: note), \(bind: orderedBy), \(bind: now), 0, 1)
            """
        ).run()
        try await record(
            id, action: "order", from: nil, to: .ordered, provider: nil, note: note, by: MarketStepActor(role: .resident, name: orderedBy ?? name), at: now)
        return try await get(id, as: .staff(.everything))
    }

    public func find(_ id: UUID, as viewer: MarketViewer) async throws -> MarketOrder? {
        try await sql.raw("\(unsafeRaw: Self.orderSelect) WHERE o.id = \(bind: id) AND \(viewer.condition("o"))").first(decoding: OrderRow.self).map(order)
    }

    public func get(_ id: UUID, as viewer: MarketViewer) async throws -> MarketOrder {
        guard let o = try await find(id, as: viewer) else { throw StoreError.notFound("order") }
        return o
    }

    /// The order a resident follows by its code (the code is the resident's key to it).
    public func find(code: String) async throws -> MarketOrder? {
        guard let code = TrackingCode.normalized(code) else { return nil }
        return try await sql.raw("\(unsafeRaw: Self.orderSelect) WHERE o.code = \(bind: code)").first(decoding: OrderRow.self).map(order)
    }

    /// Orders the viewer sees, newest first, `limit` at most, after the order `after` (by key).
    public func list(as viewer: MarketViewer, state: MarketOrderState? = nil, after: UUID? = nil, limit: Int = 50) async throws -> [MarketOrder] {
        let byState: SQLQueryString = state.map { "AND o.state = \(bind: $0.rawValue)" } ?? ""
        var from: SQLQueryString = ""
        if let after, try await find(after, as: viewer) != nil {
            let at: SQLQueryString = "(SELECT ordered_at FROM market_orders WHERE id = \(bind: after))"
            from = "AND (o.ordered_at < \(at) OR (o.ordered_at = \(at) AND o.id > \(bind: after)))"
        }
        return try await sql.raw(
            "\(unsafeRaw: Self.orderSelect) WHERE \(viewer.condition("o")) \(byState) \(from) ORDER BY o.ordered_at DESC, o.id LIMIT \(count: limit)"
        ).all(decoding: OrderRow.self).map(order)
    }

    public func events(of orderID: UUID) async throws -> [MarketOrderEvent] {
        try await sql.raw(
            """
            SELECT e.action, e.from_state, e.to_state, e.actor_role, e.actor_name, p.name AS provider_name, e.note, e.at \
            FROM market_order_events e LEFT JOIN market_providers p ON p.id = e.provider_id WHERE e.order_id = \(bind: orderID) ORDER BY e.seq
            """
        ).all(decoding: MarketOrderEvent.self)
    }

    func record(_ orderID: UUID, _ step: MarketTransition, by actor: MarketStepActor, at now: Date) async throws {
        try await record(
            orderID, action: step.action.rawValue, from: step.from, to: step.snapshot.state, provider: step.provider, note: step.note, by: actor, at: now)
    }

    func record(
        _ orderID: UUID, action: String, from: MarketOrderState?, to: MarketOrderState, provider: UUID?, note: String?, by actor: MarketStepActor, at now: Date
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO market_order_events (id, order_id, seq, action, from_state, to_state, actor_role, actor_name, provider_id, note, at) \
            VALUES (\(bind: UUID()), \(bind: orderID), (SELECT COUNT(*) + 1 FROM market_order_events WHERE order_id = \(bind: orderID)), \(bind: action), \(bind: from?.rawValue), \(bind: to.rawValue), \(bind: actor.role.rawValue), \
            \(bind: actor.name), \(bind: provider), \(bind: note), \(bind: now))
            """
        ).run()
    }

    /// Writes a step over the version read; false when someone else changed the order meanwhile.
    /// The rating is set only by the step that changes it: the participation stamp's trigger watches
    /// that column (`UpdateTallyStampsByColumn`), and the other steps leave the dashboards' counts alone.
    func write(_ step: MarketTransition, on order: MarketOrder, at now: Date) async throws -> Bool {
        let s = step.snapshot
        let rating: SQLQueryString = s.rating == order.rating ? "" : "rating = \(bind: s.rating?.rawValue), "
        return try await !sql.raw(
            """
            UPDATE market_orders SET state = \(bind: s.state.rawValue), provider_id = \(bind: s.provider), accept_by = \(bind: s.acceptBy), \
            accepted_at = \(bind: s.acceptedAt), accepted_on_time = \(bind: s.acceptedOnTime), completed_at = \(bind: s.completedAt), \
            \(rating)rated_at = \(bind: s.state == .rated ? now : order.ratedAt), \
            timeouts = \(bind: s.timeouts), version = \(bind: order.version + 1) WHERE id = \(bind: order.id) AND version = \(bind: order.version) RETURNING id
            """
        ).all().isEmpty
    }

    /// A step on an order the viewer sees (a resident's steps come through `find(code:)` and `.staff(.everything)`).
    /// `chosen` is the provider the market names when approving an order of the assigned mode.
    public func step(
        _ action: MarketAction, on orderID: UUID, as viewer: MarketViewer, by actor: MarketStepActor, at now: Date
    ) async throws -> MarketOrder {
        let current = try await get(orderID, as: viewer)
        let item = try await self.item(current.itemID, in: .everything)
        let step: MarketTransition
        do {
            step = try MarketMachine.apply(action, to: current.snapshot, by: actor.role, provider: actor.provider, item: item.machine, at: now)
        } catch .reasonRequired {
            throw StoreError(.invalid, "case.problem", [MarketProblem.reasonRequired(action: action.kind).message()], field: "reason")
        } catch {
            throw StoreError(.conflict, "case.problem", [error.message()])
        }
        guard try await write(step, on: current, at: now) else {
            throw StoreError(.conflict, action.kind == .claim ? "market.problem.taken" : "market.problem.changed")
        }
        try await record(orderID, step, by: actor, at: now)
        return try await get(orderID, as: .staff(.everything))
    }

    /// 审单 passed and 派单: the order goes where its item's mode says — to the provider the market
    /// chose (assigned), the pool (claim), or the next provider in turn (round-robin, the item's
    /// cursor moved in the same transaction as the order).
    public func approve(_ orderID: UUID, chosen: UUID?, note: String?, in scope: Scope, by actor: MarketStepActor, at now: Date) async throws -> MarketOrder {
        let current = try await get(orderID, as: .staff(scope))
        // PostgreSQL: the item's row is locked, so two approvals of the same item take turns in order.
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        try await sql.raw("SELECT id FROM market_items WHERE id = \(bind: current.itemID)\(lock)").run()
        let item = try await self.item(current.itemID, in: .everything)
        let placement: MarketPlacement
        do {
            placement = try MarketDispatch.placement(current.mode, providers: item.providers, chosen: chosen, lastInTurn: item.lastProviderID)
        } catch .noProviders {
            throw StoreError(.invalid, "market.problem.no_providers", field: "provider")
        } catch {
            throw StoreError(.invalid, "market.problem.provider_required", field: "provider")
        }
        let row = try await step(.approve(placement, note: note), on: orderID, as: .staff(scope), by: actor, at: now)
        if current.mode == .roundRobin, case .provider(let p) = placement {
            try await sql.raw("UPDATE market_items SET last_provider_id = \(bind: p) WHERE id = \(bind: item.id)").run()
        }
        return row
    }
}
