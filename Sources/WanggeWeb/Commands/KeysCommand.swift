import Fluent
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// `wangge keys new-key ID` prints a fresh key line for the top of the key file;
/// `wangge keys rotate` moves every encrypted value to the newest key (see README, key rotation).
struct KeysCommand: AsyncCommandGroup {
    var help: String { "Field encryption keys: make a new key line, re-encrypt everything under the newest key" }

    var commands: [String: any AnyAsyncCommand] {
        ["rotate": RotateCommand(), "new-key": NewKeyCommand()]
    }
}

/// Prints `ID:base64key` on standard output (and how to use it on standard error), so
/// `wangge keys new-key k2 > line` never mixes advice into the key.
struct NewKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "The new key's id: letters, digits, - and _ (for example k2 or 2026-11)")
        var id: String
    }

    var help: String { "Print a new random field key line to add at the top of the key file" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let id = signature.id
        guard id != KeyRing.auditID else { throw StoreError(.invalid, "keys.reserved_id", [id]) }
        _ = try FieldCipher.Key(id: id, bytes: Array(repeating: 0, count: 32))
        if context.application.keys.cipher.keys.contains(where: { $0.id == id }) { throw StoreError(.conflict, "keys.id_in_use", [id]) }
        FileHandle.standardError.write(Data((L10n.both("keys.new_key_help", separator: "\n") + "\n").utf8))
        context.console.print(FieldCipher.newKeyLine(id: id))
    }
}

/// Re-encrypts every resident ID number and TOTP secret not under the newest key and recomputes
/// every look-up hash, a page at a time with a progress bar; then says whether the old keys may go.
struct RotateCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Re-encrypt every ID number and TOTP secret under the newest key and recompute the look-up hashes" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let cipher = app.keys.cipher
        let rotation = KeyRotation(app.db, cipher: cipher)
        let bar = ProgressBar("轮换密钥 / rotate to \(cipher.currentKeyID)")
        let started = Date()
        let report = try await rotation.rotate { bar.update($0, $1) }
        context.console.print(
            String(format: "完成 / done in %.1f s: ", Date().timeIntervalSince(started))
                + "\(report.residents) ID numbers checked, \(report.reencrypted) re-encrypted, \(report.rehashed) hashes recomputed, \(report.totpSecrets) TOTP secrets re-encrypted")
        try await app.auditCLI(
            "key_rotation", object: "keys", cipher.currentKeyID,
            detail: "reencrypted=\(report.reencrypted) rehashed=\(report.rehashed) totp=\(report.totpSecrets)")
        let remaining = try await rotation.remaining()
        let older = cipher.keys.dropFirst().map(\.id).joined(separator: ", ")
        if remaining > 0 {
            context.console.error(L10n.both("keys.remaining", ["\(remaining)"]))
            throw ExitCode(1)
        }
        if !older.isEmpty { context.console.print(L10n.both("keys.rotated", ["\(older)"])) }
    }
}
