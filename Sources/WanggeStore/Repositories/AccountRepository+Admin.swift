import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Account administration (三权分立). Who may call which method is the web layer's rule
/// (`Role.managesAccounts`, `Role.managesRoles`); this only stores the change.
extension AccountRepository {
    public func get(_ id: UUID) async throws -> AccountRow {
        guard let row = try await find(id) else { throw StoreError.notFound("account") }
        return row
    }

    /// A new password set by an administrator: the owner must replace it at the next log-in.
    public func resetPassword(_ id: UUID, hash: String, at now: Date = Date()) async throws {
        try await sql.update("accounts").set("password_hash", to: hash).set("must_change_password", to: true)
            .set("password_changed_at", to: now).where("id", .equal, id).run()
    }

    /// Disables (`true`) or enables an account. A disabled account cannot log in; it is kept so
    /// the audit log's actor ids still name someone.
    public func setDisabled(_ id: UUID, _ disabled: Bool, at now: Date = Date()) async throws {
        try await sql.update("accounts").set("disabled_at", to: disabled ? now : nil).where("id", .equal, id).run()
    }

    public func setRole(_ id: UUID, _ role: Role) async throws {
        try await sql.update("accounts").set("role", to: role.rawValue).where("id", .equal, id).run()
    }

    /// Ends a lock-out: the failure count starts again from zero.
    public func unlock(_ id: UUID) async throws {
        try await sql.raw("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: id)").run()
    }

    /// Forgets a lost second factor; the owner enrols a new one at the next log-in.
    public func resetTOTP(_ id: UUID) async throws {
        try await sql.raw("UPDATE accounts SET totp_secret = NULL, totp_last_step = NULL WHERE id = \(bind: id)").run()
    }
}
