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
    /// Log-in protection (see the access issue): failures since the last success, the end of a
    /// lock-out, when the password was last set, the encrypted TOTP secret and the last TOTP step
    /// used (so a code cannot be replayed), and when the account was disabled.
    public var failedLogins: Int = 0
    public var lockedUntil: Date?
    public var passwordChangedAt: Date?
    public var totpSecret: String?
    public var totpLastStep: Int64?
    public var disabledAt: Date?

    public var isDisabled: Bool { disabledAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, username, role
        case displayName = "display_name", passwordHash = "password_hash", unitID = "unit_id"
        case mustChangePassword = "must_change_password", createdAt = "created_at"
        case failedLogins = "failed_logins", lockedUntil = "locked_until", passwordChangedAt = "password_changed_at"
        case totpSecret = "totp_secret", totpLastStep = "totp_last_step", disabledAt = "disabled_at"
    }

    static let columns = "id, username, display_name, password_hash, role, unit_id, must_change_password, created_at, failed_logins, locked_until, password_changed_at, totp_secret, totp_last_step, disabled_at"
}

/// Log-in accounts. Hashing is the web layer's (bcrypt); this stores and finds.
public struct AccountRepository: Sendable, SQLRepository {
    let db: any Database

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

    public func create(
        username: String, displayName: String, passwordHash: String, role: Role, unitID: UUID?,
        mustChangePassword: Bool, at now: Date = Date()
    ) async throws -> AccountRow {
        let name = username.trimmingSpaces()
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw StoreError(.invalid, "account.bad_username", field: "username")
        }
        if try await find(username: name) != nil { throw StoreError(.conflict, "account.taken", [name], field: "username") }
        let row = AccountRow(
            id: UUID(), username: name, displayName: displayName, passwordHash: passwordHash, role: role,
            unitID: unitID, mustChangePassword: mustChangePassword, createdAt: now, passwordChangedAt: now)
        try await sql.insert(into: "accounts").model(row, nilEncodingStrategy: .asNil).run()
        return row
    }

    public func setPassword(_ id: UUID, hash: String, at now: Date = Date()) async throws {
        try await sql.update("accounts").set("password_hash", to: hash).set("must_change_password", to: false)
            .set("password_changed_at", to: now).where("id", .equal, id).run()
    }

    /// A wrong password or code: counts it, and locks the account for `lockFor` once `maxFailures`
    /// are reached (the count starts again after the lock). Returns the lock's end if it locked.
    public func recordFailure(_ id: UUID, maxFailures: Int, lockFor: TimeInterval, now: Date) async throws -> Date? {
        try await db.transaction { tx in
            let sql = tx.sql
            try await sql.raw("UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = \(bind: id)").run()
            let failures = try await sql.raw("SELECT failed_logins FROM accounts WHERE id = \(bind: id)").first()?.decode(column: "failed_logins", as: Int.self) ?? 0
            guard failures >= maxFailures else { return nil }
            let until = now.addingTimeInterval(lockFor)
            try await sql.update("accounts").set("failed_logins", to: 0).set("locked_until", to: until).where("id", .equal, id).run()
            return until
        }
    }

    public func recordSuccess(_ id: UUID) async throws {
        try await sql.raw("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: id)").run()
    }

    /// Stores an (already encrypted) TOTP secret, or clears it.
    public func setTOTP(_ id: UUID, encryptedSecret: String?, step: Int64?) async throws {
        try await sql.update("accounts").set("totp_secret", to: encryptedSecret).set("totp_last_step", to: step).where("id", .equal, id).run()
    }

    /// Records the TOTP step just used if it is newer than the last one; false means a replay.
    /// One conditional UPDATE … RETURNING, so two requests racing with the same code cannot both win.
    public func useTOTPStep(_ id: UUID, step: Int64) async throws -> Bool {
        try await sql.raw(
            """
            UPDATE accounts SET totp_last_step = \(bind: step) \
            WHERE id = \(bind: id) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step)) RETURNING id
            """
        ).first() != nil
    }

    /// The scope an account works in: its unit's subtree (a unit-less account sees nothing of the
    /// register) and, for the department role, only cases dispatched to its own departments.
    public func scope(of account: AccountRow) async throws -> Scope {
        guard let unitID = account.unitID, let unit = try await UnitRepository(db).find(unitID, in: .everything) else {
            return try await scope(of: account, unit: nil)
        }
        return try await scope(of: account, unit: (unit.path, unit.parentID == nil))
    }

    /// `scope(of:)` of an account whose unit's path (and whether it is the root) is known.
    func scope(of account: AccountRow, unit: (path: String, isRoot: Bool)?) async throws -> Scope {
        guard let unit else { return Scope(pathPrefix: "/none/", includesUnplaced: false, departments: account.role == .department ? [] : nil) }
        let tree = Scope(pathPrefix: unit.path, includesUnplaced: unit.isRoot)
        return account.role == .department ? tree.limited(toDepartments: Set(try await departments(of: account.id))) : tree
    }

    /// `AccountRow.columns` of the accounts table aliased `a`, written once (every signed-in request reads them).
    static let accountColumns = AccountRow.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// The account with its scope, as `find` and `scope(of:)` give them, from one read of the account
    /// joined to its unit: every signed-in request needs both (a department account's departments
    /// are a second read).
    public func findWithScope(_ id: UUID) async throws -> (account: AccountRow, scope: Scope)? {
        guard
            let row = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.accountColumns), u.path AS unit_path, u.parent_id AS unit_parent \
                FROM accounts a LEFT JOIN units u ON u.id = a.unit_id WHERE a.id = \(bind: id)
                """
            ).first()
        else { return nil }
        let account = try row.decode(model: AccountRow.self)
        let unit = try row.decode(column: "unit_path", as: String?.self).map { (path: $0, isRoot: try row.decodeNil(column: "unit_parent")) }
        return (account, try await scope(of: account, unit: unit))
    }

    /// The departments an account works for (department role), by key.
    public func departments(of accountID: UUID) async throws -> [String] {
        try await sql.raw("SELECT department_key FROM account_departments WHERE account_id = \(bind: accountID) ORDER BY department_key")
            .all().map { try $0.decode(column: "department_key", as: String.self) }
    }

    /// Every account's departments, for the administration page.
    public func allDepartments() async throws -> [UUID: [String]] {
        struct Row: Decodable { var account_id: UUID; var department_key: String }
        let rows = try await sql.raw("SELECT account_id, department_key FROM account_departments ORDER BY department_key").all(decoding: Row.self)
        return rows.reduce(into: [:]) { $0[$1.account_id, default: []].append($1.department_key) }
    }

    /// Refuses department keys that do not exist, naming the first; call it before making an account
    /// that `setDepartments` will bind, so a refusal leaves nothing behind.
    public func checkDepartments(_ keys: [String]) async throws {
        let wanted = Array(Set(keys)).sorted()
        guard !wanted.isEmpty else { return }
        let known = Set(try await sql.raw("SELECT key FROM departments WHERE key IN (\(binds: wanted))").all().map { try $0.decode(column: "key", as: String.self) })
        if let unknown = wanted.first(where: { !known.contains($0) }) { throw StoreError(.invalid, "case.unknown_department", [unknown], field: "departments") }
    }

    /// Binds the account to exactly these departments (unknown keys are refused, naming the first).
    public func setDepartments(_ accountID: UUID, _ keys: [String]) async throws {
        try await checkDepartments(keys)
        let wanted = Array(Set(keys)).sorted()
        try await db.transaction { tx in
            try await tx.sql.raw("DELETE FROM account_departments WHERE account_id = \(bind: accountID)").run()
            for key in wanted {
                try await tx.sql.raw("INSERT INTO account_departments (account_id, department_key) VALUES (\(bind: accountID), \(bind: key))").run()
            }
        }
    }
}
