import Crypto
import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

public struct ApiTokenRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var accountID: UUID
    public var name: String
    public var scopes: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, scopes
        case accountID = "account_id", createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at", revokedAt = "revoked_at"
    }

    static let columns = "id, account_id, name, scopes, created_at, expires_at, last_used_at, revoked_at"
    public var scopeSet: Set<TokenScope> { Set(scopes.split(separator: " ").compactMap { TokenScope(rawValue: String($0)) }) }
}

/// Scoped API tokens for the phone terminal and integrations. Only a SHA-256 of the token is
/// stored; the token itself is shown once, when it is made.
public struct ApiTokenRepository: Sendable, SQLRepository {
    let db: any Database
    public static let prefix = "wg_"

    public init(_ db: any Database) { self.db = db }

    static func hash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }

    public func create(accountID: UUID, name: String, scopes: Set<TokenScope>, expiresAt: Date?, now: Date) async throws -> (row: ApiTokenRow, token: String) {
        let trimmed = name.trimmingSpaces()
        guard !trimmed.isEmpty, trimmed.count <= 60 else { throw StoreError(.invalid, "field.required", field: "name") }
        guard !scopes.isEmpty else { throw StoreError(.invalid, "token.no_scope", field: "scopes") }
        var g = SystemRandomNumberGenerator()
        let token = Self.prefix + Hex.string((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) })
        let row = ApiTokenRow(
            id: UUID(), accountID: accountID, name: trimmed, scopes: scopes.map(\.rawValue).sorted().joined(separator: " "),
            createdAt: now, expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
        try await sql.insert(into: "api_tokens")
            .columns("id", "account_id", "name", "token_hash", "scopes", "created_at", "expires_at")
            .values(SQLBind(row.id), SQLBind(accountID), SQLBind(row.name), SQLBind(Self.hash(token)), SQLBind(row.scopes), SQLBind(now), SQLBind(expiresAt))
            .run()
        return (row, token)
    }

    /// The live token with this value, marking it used; nil when unknown, revoked or expired.
    public func authenticate(_ token: String, now: Date) async throws -> ApiTokenRow? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        guard
            let row = try await sql.raw("SELECT \(unsafeRaw: ApiTokenRow.columns) FROM api_tokens WHERE token_hash = \(bind: Self.hash(token))")
                .first(decoding: ApiTokenRow.self), row.revokedAt == nil, row.expiresAt.map({ $0 > now }) ?? true
        else { return nil }
        try await sql.update("api_tokens").set("last_used_at", to: now).where("id", .equal, row.id).run()
        return row
    }

    public func list(accountID: UUID) async throws -> [ApiTokenRow] {
        try await sql.raw("SELECT \(unsafeRaw: ApiTokenRow.columns) FROM api_tokens WHERE account_id = \(bind: accountID) ORDER BY created_at DESC")
            .all(decoding: ApiTokenRow.self)
    }

    public func revoke(_ id: UUID, accountID: UUID, now: Date) async throws {
        guard try await sql.raw("SELECT id FROM api_tokens WHERE id = \(bind: id) AND account_id = \(bind: accountID)").first() != nil else {
            throw StoreError.notFound("token")
        }
        try await sql.update("api_tokens").set("revoked_at", to: now).where("id", .equal, id).run()
    }
}
