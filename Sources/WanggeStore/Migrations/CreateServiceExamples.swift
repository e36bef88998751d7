import FluentKit
import SQLKit

/// The library of worked examples (服务案例): closed requests and cases written up without
/// personal data, tagged by service or category, outcome and keywords; the published ones are
/// shown to the public beside their service.
struct CreateServiceExamples: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("service_examples")
            .id()
            .field("case_id", .uuid, .references("cases", "id"))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("service_key", .string)
            .field("category_key", .string)
            .field("outcome", .string, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("keywords", .string, .required)
            .field("published", .bool, .required)
            .field("saved_by_id", .uuid)
            .field("saved_by", .string, .required)
            .field("saved_at", .datetime, .required)
            .create()
        try await db.createIndex("service_examples", "service_key")
        try await db.createIndex("service_examples", "case_id")
    }

    func revert(on db: any Database) async throws {
        try await db.schema("service_examples").delete()
    }
}
