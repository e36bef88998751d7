import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A service of the proxy catalogue (代办事项).
public struct ProxyServiceRow: Codable, Sendable, Equatable {
    public var key: String
    public var nameZh: String
    public var nameEn: String
    public var mode: ServiceMode
    public var materials: [String]
    public var steps: [String]
    public var office: String
    public var limitDays: Int
    public var categoryKey: String?
    public var active: Bool

    static let columns = "key, name_zh, name_en, mode, materials, steps, office, limit_days, category_key, active"

    /// A row as stored: materials and steps one a line; an unknown mode reads as 说明程序, the safest promise.
    struct Stored: Decodable {
        var key: String
        var name_zh: String
        var name_en: String
        var mode: String
        var materials: String
        var steps: String
        var office: String
        var limit_days: Int
        var category_key: String?
        var active: Bool

        var row: ProxyServiceRow {
            ProxyServiceRow(
                key: key, nameZh: name_zh, nameEn: name_en, mode: ServiceMode(rawValue: mode) ?? .explain, materials: ServiceDraft.lines(materials),
                steps: ServiceDraft.lines(steps), office: office, limitDays: limit_days, categoryKey: category_key, active: active)
        }
    }

    public var draft: ServiceDraft {
        ServiceDraft(
            nameZh: nameZh, nameEn: nameEn, mode: mode.rawValue, materials: materials, steps: steps, office: office, limitDays: limitDays, categoryKey: categoryKey)
    }
}

/// Keeps the proxy service catalogue (S1). The catalogue is the district's and no place's, so it
/// takes no scope; who may change it is decided at the web edge, and every change there is audited.
public struct ServiceCatalogueRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    /// Every service in catalogue order; `activeOnly` leaves out those taken out of use.
    public func all(activeOnly: Bool = false) async throws -> [ProxyServiceRow] {
        let filter: SQLQueryString = activeOnly ? "WHERE active = \(bind: true)" : ""
        return try await sql.raw("SELECT \(unsafeRaw: ProxyServiceRow.columns) FROM proxy_services \(filter) ORDER BY sort, key")
            .all(decoding: ProxyServiceRow.Stored.self).map(\.row)
    }

    public func get(_ key: String) async throws -> ProxyServiceRow {
        guard
            let row = try await sql.raw("SELECT \(unsafeRaw: ProxyServiceRow.columns) FROM proxy_services WHERE key = \(bind: key)")
                .first(decoding: ProxyServiceRow.Stored.self)
        else { throw StoreError.notFound("service") }
        return row.row
    }

    /// The service whose requests are filed under case category `key`, if one is linked and in use.
    public func forCategory(_ key: String) async throws -> ProxyServiceRow? {
        try await sql.raw(
            "SELECT \(unsafeRaw: ProxyServiceRow.columns) FROM proxy_services WHERE category_key = \(bind: key) AND active = \(bind: true) ORDER BY sort LIMIT 1"
        ).first(decoding: ProxyServiceRow.Stored.self)?.row
    }

    /// A linked category must exist and be of the 代办服务 kind.
    func categoryProblems(_ d: ServiceDraft) async throws -> [FieldProblem] {
        guard let key = d.categoryKey else { return [] }
        let kind = try await sql.raw("SELECT kind FROM case_categories WHERE key = \(bind: key)").first()?.decode(column: "kind", as: String.self)
        return kind == CaseKind.service.rawValue ? [] : [FieldProblem("category", "service.not_service_category", [key])]
    }

    func checked(_ d: ServiceDraft) async throws -> (ServiceDraft, ServiceMode, Int) {
        let problems = ServiceRules.problems(d).map(FieldProblem.init) + (try await categoryProblems(d))
        guard problems.isEmpty, let mode = ServiceMode(rawValue: d.mode), let days = d.limitDays else { throw ValidationFailure(problems: problems) }
        var clean = d
        clean.nameZh = d.nameZh.trimmingSpaces()
        clean.nameEn = d.nameEn.trimmingSpaces().trimmedOrNil ?? clean.nameZh
        clean.office = d.office.trimmingSpaces()
        return (clean, mode, days)
    }

    /// Adds a service; `key` may be empty for a generated one.
    public func add(key given: String, _ draft: ServiceDraft) async throws -> ProxyServiceRow {
        let existing = Set(try await sql.raw("SELECT key FROM proxy_services").all().map { try $0.decode(column: "key", as: String.self) })
        var problems: [FieldProblem] = []
        var key = ""
        switch CaseSetupRules.key(given.trimmingSpaces(), stem: "service_", existing: existing) {
        case .success(let k): key = k
        case .failure(let p): problems.append(FieldProblem(p))
        }
        problems += ServiceRules.problems(draft).map(FieldProblem.init) + (try await categoryProblems(draft))
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        let (d, mode, days) = try await checked(draft)
        let sort = try await sql.raw("SELECT COALESCE(MAX(sort), 0) + 1 AS n FROM proxy_services").first()?.decode(column: "n", as: Int.self) ?? 1
        let inserted = try await sql.raw(
            """
            INSERT INTO proxy_services (key, name_zh, name_en, mode, materials, steps, office, limit_days, category_key, sort, active) \
            VALUES (\(bind: key), \(bind: d.nameZh), \(bind: d.nameEn), \(bind: mode.rawValue), \(bind: d.materials.joined(separator: "\n")), \
            \(bind: d.steps.joined(separator: "\n")), \(bind: d.office), \(bind: days), \(bind: d.categoryKey), \(bind: sort), \(bind: true)) \
            ON CONFLICT (key) DO NOTHING RETURNING key
            """
        ).all()
        guard !inserted.isEmpty else { throw ValidationFailure(problems: [FieldProblem("key", "case.setup.duplicate_key", [key])]) }
        return try await get(key)
    }

    /// Changes a service; its key stays. Returns it before and after.
    public func update(_ key: String, _ draft: ServiceDraft) async throws -> (before: ProxyServiceRow, after: ProxyServiceRow) {
        let before = try await get(key)
        let (d, mode, days) = try await checked(draft)
        try await sql.raw(
            """
            UPDATE proxy_services SET name_zh = \(bind: d.nameZh), name_en = \(bind: d.nameEn), mode = \(bind: mode.rawValue), \
            materials = \(bind: d.materials.joined(separator: "\n")), steps = \(bind: d.steps.joined(separator: "\n")), office = \(bind: d.office), \
            limit_days = \(bind: days), category_key = \(bind: d.categoryKey) WHERE key = \(bind: key)
            """
        ).run()
        return (before, try await get(key))
    }

    /// Takes a service out of the public catalogue, or puts it back.
    public func setActive(_ key: String, _ active: Bool) async throws {
        _ = try await get(key)
        try await sql.raw("UPDATE proxy_services SET active = \(bind: active) WHERE key = \(bind: key)").run()
    }
}
