import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Finds the grid for a point: the one whose boundary contains it, or for a street shop the
/// nearest grid within reach ("沿街商户就近划入").
public struct GridLocator: Sendable {
    public let index: GeoIndex<UUID>
    /// The box around every grid with a boundary, nil when none has one; worked out once per load.
    public let bounds: GeoBox?
    public static let shopReachMeters = 300.0

    public init(grids: [UnitRow]) {
        index = GeoIndex(grids.compactMap { grid in grid.area.map { (grid.id, $0) } })
        let boxes = index.entries.map(\.area.bbox).filter { !$0.isEmpty }
        bounds = boxes.first.map { first in boxes.dropFirst().reduce(first) { $0.union($1) } }
    }

    public static func load(_ db: any Database) async throws -> GridLocator {
        GridLocator(grids: try await UnitRepository(db).all(in: .everything, level: .grid))
    }

    public func grid(for point: GeoPoint, kind: String) -> UUID? {
        if let id = index.locate(point) { return id }
        guard kind == "shop" else { return nil }
        return index.nearest(point, maxMeters: Self.shopReachMeters)?.id
    }
}

/// The grids' polygons for locating a point, loaded once and reloaded when the tree changes.
/// Whether it changed is asked of the database on every use (the count of `unit_events`, which
/// every boundary, move, merge and split appends to), so an instance never locates with a tree
/// another instance has since changed.
public actor GridLocatorCache {
    private var cached: (stamp: Int, locator: GridLocator)?

    public init() {}

    public func locator(_ db: any Database) async throws -> GridLocator {
        let sql = db.sql
        let stamp = try await sql.raw("SELECT COUNT(*) AS n FROM unit_events").first()?.decode(column: "n", as: Int.self) ?? 0
        if let cached, cached.stamp == stamp { return cached.locator }
        let fresh = try await GridLocator.load(db)
        cached = (stamp, fresh)
        return fresh
    }
}
