import Foundation
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// `wangge totp USERNAME`: prints the account's current TOTP code (or, with `--key`, its key for an
/// authenticator app). It reads the key file, so only the machine's operator can run it.
struct TOTPCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username") var username: String
        @Flag(name: "key", help: "Print the key (base32) and otpauth:// link instead of the current code") var key: Bool
    }

    var help: String { "Print an account's current two-step (TOTP) code, or its key for an authenticator app" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let account = try await AccountRepository(app.db).find(username: signature.username) else {
            throw StoreError(.notFound, "error.not_found", [signature.username])
        }
        guard let sealed = account.totpSecret, let totp = WanggeSecurity.TOTP(base32: try app.keys.cipher.decrypt(sealed)) else {
            throw StoreError(.invalid, "totp.not_enrolled", [account.username])
        }
        if signature.key {
            context.console.print(totp.base32)
            context.console.print(totp.provisioningURI(account: account.username, issuer: "Wangge"))
        } else {
            let now = Date()
            let left = Int(WanggeSecurity.TOTP.step - now.timeIntervalSince1970.truncatingRemainder(dividingBy: WanggeSecurity.TOTP.step))
            context.console.print("\(totp.code(at: now))  (\(left) s)")
        }
    }
}
