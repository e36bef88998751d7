import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The market's figures for a provider or a unit over a period: orders, on-time acceptance,
/// completion and satisfaction, each rate with its own denominator so a small count shows as such.
public struct MarketFigures: Codable, Sendable, Equatable {
    public var key: UUID?
    public var name: String
    /// Orders placed (for a provider: orders it holds or held).
    public var orders: Int
    /// Orders taken by a provider, and of those within the time limit.
    public var taken: Int
    public var takenOnTime: Int
    /// Orders completed, rated, and rated satisfied or basically satisfied.
    public var completed: Int
    public var rated: Int
    public var satisfied: Int
    /// Offers that ran out untaken.
    public var timeouts: Int

    enum CodingKeys: String, CodingKey {
        case key, name, orders, taken, completed, rated, satisfied, timeouts
        case takenOnTime = "taken_on_time"
    }

    public init(key: UUID?, name: String, orders: Int = 0, taken: Int = 0, takenOnTime: Int = 0, completed: Int = 0, rated: Int = 0, satisfied: Int = 0, timeouts: Int = 0) {
        (self.key, self.name, self.orders, self.taken, self.takenOnTime) = (key, name, orders, taken, takenOnTime)
        (self.completed, self.rated, self.satisfied, self.timeouts) = (completed, rated, satisfied, timeouts)
    }

    /// Share of taken orders taken in time; nil with nothing taken.
    public var onTimeRate: Double? { taken > 0 ? Double(takenOnTime) / Double(taken) : nil }
    /// Share of taken orders completed.
    public var completionRate: Double? { taken > 0 ? Double(completed) / Double(taken) : nil }
    /// Share of rated orders rated satisfied or basically satisfied.
    public var satisfactionRate: Double? { rated > 0 ? Double(satisfied) / Double(rated) : nil }
}

extension MarketRepository {
    struct FigureRow: Decodable {
        var key: UUID?
        var name: String
        var orders: Int
        var taken: Int?
        var on_time: Int?
        var completed: Int?
        var rated: Int?
        var satisfied: Int?
    }

    static var tallies: SQLQueryString {
        """
        COUNT(*) AS orders, SUM(CASE WHEN o.accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS taken, \
        SUM(CASE WHEN o.accepted_on_time = \(bind: true) THEN 1 ELSE 0 END) AS on_time, \
        SUM(CASE WHEN o.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed, \
        SUM(CASE WHEN o.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, \
        SUM(CASE WHEN o.rating IN (\(binds: MarketRating.allCases.filter(\.countsAsSatisfied).map(\.rawValue))) THEN 1 ELSE 0 END) AS satisfied
        """
    }

    static func figures(_ r: FigureRow, timeouts: Int = 0) -> MarketFigures {
        MarketFigures(
            key: r.key, name: r.name, orders: r.orders, taken: r.taken ?? 0, takenOnTime: r.on_time ?? 0, completed: r.completed ?? 0, rated: r.rated ?? 0,
            satisfied: r.satisfied ?? 0, timeouts: timeouts)
    }

    /// Per provider: the orders it holds or held that were ordered in [from, to), of the orders in `scope`;
    /// `kind` limits to one kind of provider (红色物业: property companies).
    public func providerFigures(from: Date, to: Date, kind: String? = nil, in scope: Scope) async throws -> [MarketFigures] {
        let byKind: SQLQueryString = kind.map { "AND p.kind = \(bind: $0)" } ?? ""
        let rows = try await sql.raw(
            """
            SELECT p.id AS key, p.name AS name, \(Self.tallies) FROM market_orders o JOIN market_providers p ON p.id = o.provider_id \
            WHERE o.ordered_at >= \(bind: from) AND o.ordered_at < \(bind: to) AND \(scope.condition("o.unit_id")) \(byKind) \
            GROUP BY p.id, p.name ORDER BY p.name, p.id
            """
        ).all(decoding: FigureRow.self)
        struct Out: Decodable { var provider_id: UUID; var n: Int }
        let outs = try await sql.raw(
            """
            SELECT e.provider_id, COUNT(*) AS n FROM market_order_events e JOIN market_orders o ON o.id = e.order_id \
            WHERE e.action = \(bind: MarketActionKind.timeOut.rawValue) AND e.provider_id IS NOT NULL AND o.ordered_at >= \(bind: from) \
            AND o.ordered_at < \(bind: to) AND \(scope.condition("o.unit_id")) GROUP BY e.provider_id
            """
        ).all(decoding: Out.self)
        let timeouts = Dictionary(uniqueKeysWithValues: outs.map { ($0.provider_id, $0.n) })
        return rows.map { Self.figures($0, timeouts: $0.key.flatMap { timeouts[$0] } ?? 0) }
    }

    /// Per community: every order ordered in [from, to) in `scope`, by the community of its grid.
    public func communityFigures(from: Date, to: Date, in scope: Scope) async throws -> [MarketFigures] {
        try await sql.raw(
            """
            SELECT c.id AS key, c.name AS name, \(Self.tallies) FROM market_orders o JOIN units c ON c.id = o.community_id \
            WHERE o.ordered_at >= \(bind: from) AND o.ordered_at < \(bind: to) AND \(scope.condition("o.unit_id")) \
            GROUP BY c.id, c.name ORDER BY c.name, c.id
            """
        ).all(decoding: FigureRow.self).map { Self.figures($0) }
    }

    /// All orders of `scope` ordered in [from, to), as one line (a month of the public statistics).
    public func totals(from: Date, to: Date, name: String, in scope: Scope) async throws -> MarketFigures {
        struct Row: Decodable {
            var orders: Int
            var taken: Int?
            var on_time: Int?
            var completed: Int?
            var rated: Int?
            var satisfied: Int?
        }
        let r = try await sql.raw(
            """
            SELECT \(Self.tallies) FROM market_orders o \
            WHERE o.ordered_at >= \(bind: from) AND o.ordered_at < \(bind: to) AND \(scope.condition("o.unit_id"))
            """
        ).first(decoding: Row.self)
        guard let r else { return MarketFigures(key: nil, name: name) }
        return Self.figures(FigureRow(key: nil, name: name, orders: r.orders, taken: r.taken, on_time: r.on_time, completed: r.completed, rated: r.rated, satisfied: r.satisfied))
    }
}
