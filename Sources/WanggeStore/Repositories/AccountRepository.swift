import FluentKit
import Foundation
import SQLKit
import WanggeCore

public struct AccountRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var passwordHash: String
    public var role: Role
    public var unitID: UUID?
    public var mustChangePassword: Bool
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, username, role
        case displayName = "display_name", passwordHash = "password_hash", unitID = "unit_id"
        case mustChangePassword = "must_change_password", createdAt = "created_at"
    }

    static let columns = "id, username, display_name, password_hash, role, unit_id, must_change_password, created_at"
}

/// Log-in accounts. Hashing is the web layer's (bcrypt); this stores and finds.
public struct AccountRepository: Sendable {
    let db: any Database
    var sql: any SQLDatabase { db as! any SQLDatabase }

    public init(_ db: any Database) { self.db = db }

    public func find(username: String) async throws -> AccountRow? {
        try await sql.raw("SELECT \(unsafeRaw: AccountRow.columns) FROM accounts WHERE username = \(bind: username)").first(decoding: AccountRow.self)
    }

    public func find(_ id: UUID) async throws -> AccountRow? {
        try await sql.raw("SELECT \(unsafeRaw: AccountRow.columns) FROM accounts WHERE id = \(bind: id)").first(decoding: AccountRow.self)
    }

    public func all() async throws -> [AccountRow] {
        try await sql.raw("SELECT \(unsafeRaw: AccountRow.columns) FROM accounts ORDER BY username").all(decoding: AccountRow.self)
    }

    public func create(username: String, displayName: String, passwordHash: String, role: Role, unitID: UUID?,
                       mustChangePassword: Bool, at now: Date = Date()) async throws -> AccountRow {
        let name = username.trimmingSpaces()
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw StoreError(.invalid, "account.bad_username", field: "username")
        }
        if try await find(username: name) != nil { throw StoreError(.conflict, "account.taken", [name], field: "username") }
        let row = AccountRow(id: UUID(), username: name, displayName: displayName, passwordHash: passwordHash, role: role,
                             unitID: unitID, mustChangePassword: mustChangePassword, createdAt: now)
        try await sql.insert(into: "accounts").model(row, nilEncodingStrategy: .asNil).run()
        return row
    }

    public func setPassword(_ id: UUID, hash: String) async throws {
        try await sql.update("accounts").set("password_hash", to: hash).set("must_change_password", to: false).where("id", .equal, id).run()
    }

    /// The scope an account works in: its unit's subtree; a unit-less account sees nothing of the register.
    public func scope(of account: AccountRow) async throws -> Scope {
        guard let unitID = account.unitID, let unit = try await UnitRepository(db).find(unitID, in: .everything) else {
            return Scope(pathPrefix: "/none/", includesUnplaced: false)
        }
        return .subtree(of: unit)
    }
}
