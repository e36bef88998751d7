import FluentKit
import SQLKit

/// Service centres and stations (服务中心、工作站、党群服务站) of a unit, with their public office
/// details, and the station that took a window case (one row a case, only for those that have one).
struct CreateServiceStations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("service_stations")
            .id()
            .field("unit_id", .uuid, .required, .references("units", "id"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("lon", .double)
            .field("lat", .double)
            .field("hours", .string, .required)
            .field("phone", .string, .required)
            .field("staff", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.createIndex("service_stations", "unit_id")
        try await db.schema("case_stations")
            .field("case_id", .uuid, .identifier(auto: false), .references("cases", "id"))
            .field("station_id", .uuid, .required, .references("service_stations", "id"))
            .create()
        try await db.createIndex("case_stations", "station_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("case_stations").delete()
        try await db.schema("service_stations").delete()
    }
}
