import Crypto
import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// An Open311 API key as stored: never the key itself.
public struct ApiKeyRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdAt = "created_at", revokedAt = "revoked_at", lastUsedAt = "last_used_at"
    }

    static let columns = "id, name, created_at, revoked_at, last_used_at"
    public var isLive: Bool { revokedAt == nil }
}

/// The keys third-party Open311 clients use to post service requests. A key is shown once, when
/// it is made (`wangge apikey create --name NAME`); only its SHA-256 is kept, so a stolen
/// database does not yield usable keys. Keys are named after the integration that holds them;
/// the name is what the audit log and the case timeline show.
public struct ApiKeyRepository: Sendable, SQLRepository {
    let db: any Database

    /// Makes a key recognisable in a log or a leaked file ("Open311", not a staff API token `wg_`).
    public static let prefix = "o311_"
    public static let maxName = 60
    /// `last_used_at` is written at most this often per key, so a busy client does not add a write to every request.
    public static let touchInterval: TimeInterval = 60

    public init(_ db: any Database) { self.db = db }

    static func hash(_ key: String) -> String {
        Hex.string(SHA256.hash(data: Data(key.utf8)))
    }

    /// A name is printable, without spaces (it is typed on the command line), and short.
    static func validName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= maxName,
            !name.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0) })
        else { throw StoreError(.invalid, "apikey.bad_name", [String(maxName)], field: "name") }
        return name
    }

    /// Makes a key; returns the row and the key, which is never seen again.
    public func create(name raw: String, now: Date) async throws -> (row: ApiKeyRow, key: String) {
        let name = try Self.validName(raw)
        if try await live(name: name) != nil { throw StoreError(.conflict, "apikey.name_in_use", [name], field: "name") }
        var g = SystemRandomNumberGenerator()
        let key = Self.prefix + Hex.string((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) })
        let row = ApiKeyRow(id: UUID(), name: name, createdAt: now, revokedAt: nil, lastUsedAt: nil)
        try await sql.insert(into: "open311_api_keys")
            .columns("id", "name", "key_hash", "created_at")
            .values(SQLBind(row.id), SQLBind(name), SQLBind(Self.hash(key)), SQLBind(now))
            .run()
        return (row, key)
    }

    /// The live key with this value, or nil when it is unknown or revoked. Marks it used.
    public func authenticate(_ key: String, now: Date) async throws -> ApiKeyRow? {
        try await authenticated(key, now: now)?.row
    }

    /// The live key, with the service catalogue's stamp read in the same statement (every post needs
    /// both; see `ServiceCatalogueCache`).
    public func authenticated(_ key: String, now: Date) async throws -> (row: ApiKeyRow, catalogue: Int64?)? {
        let key = key.trimmingCharacters(in: .whitespaces)
        guard key.hasPrefix(Self.prefix), key.count <= 100 else { return nil }
        guard
            let found = try await sql.raw(
                """
                SELECT \(unsafeRaw: ApiKeyRow.columns), (SELECT n FROM stamps WHERE name = 'catalogue') AS catalogue_stamp \
                FROM open311_api_keys WHERE key_hash = \(bind: Self.hash(key))
                """
            ).first()
        else { return nil }
        let row = try found.decode(model: ApiKeyRow.self)
        guard row.isLive else { return nil }
        if row.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.touchInterval }) ?? true {
            try await sql.update("open311_api_keys").set("last_used_at", to: now).where("id", .equal, row.id).run()
        }
        return (row, try found.decode(column: "catalogue_stamp", as: Int64?.self))
    }

    public func list() async throws -> [ApiKeyRow] {
        try await sql.raw("SELECT \(unsafeRaw: ApiKeyRow.columns) FROM open311_api_keys ORDER BY name, created_at")
            .all(decoding: ApiKeyRow.self)
    }

    public func live(name: String) async throws -> ApiKeyRow? {
        try await sql.raw("SELECT \(unsafeRaw: ApiKeyRow.columns) FROM open311_api_keys WHERE name = \(bind: name) AND revoked_at IS NULL")
            .first(decoding: ApiKeyRow.self)
    }

    /// Revokes the live key of that name; from now on it is refused with 403.
    @discardableResult
    public func revoke(name raw: String, now: Date) async throws -> ApiKeyRow {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var row = try await live(name: name) else { throw StoreError(.notFound, "apikey.not_found", [name]) }
        try await sql.update("open311_api_keys").set("revoked_at", to: now).where("id", .equal, row.id).run()
        row.revokedAt = now
        return row
    }
}
