import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge apikey create --name NAME` prints a new Open311 API key (once: only its hash is kept);
/// `wangge apikey list` shows the keys without their values; `wangge apikey revoke NAME` ends one.
struct ApiKeyCommand: AsyncCommandGroup {
    var help: String { "Open311 API keys for third-party clients: create, list, revoke" }

    var commands: [String: any AnyAsyncCommand] {
        ["create": CreateApiKeyCommand(), "list": ListApiKeysCommand(), "revoke": RevokeApiKeyCommand()]
    }
}

/// Prints the key alone on standard output (advice goes to standard error), so
/// `KEY=$(wangge apikey create --name app)` captures just the key.
struct CreateApiKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "name", help: "Who holds the key, e.g. the integration's name (no spaces, at most 60 characters)")
        var name: String?
    }

    var help: String { "Create an Open311 API key and print it (it is shown only this once)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let name = signature.name else { throw StoreError(.invalid, "apikey.bad_name", [String(ApiKeyRepository.maxName)], field: "name") }
        let (row, key) = try await ApiKeyRepository(app.db).create(name: name, now: Date())
        try await app.auditCLI("apikey_created", object: "open311_api_key", row.name, detail: "id=\(row.id.uuidString)")
        FileHandle.standardError.write(Data((L10n.both("apikey.created", ["\(row.name)"], separator: "\n") + "\n").utf8))
        context.console.print(key)
    }
}

struct ListApiKeysCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "List Open311 API keys (names, dates and state; never the keys)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let rows = try await ApiKeyRepository(context.application.db).list()
        if rows.isEmpty { context.console.print(L10n.both("apikey.none")); return }
        func day(_ d: Date?) -> String { d.map { String(W3CDateTime.format($0).prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "-" }
        context.console.print("name\tcreated\tlast_used\tstate")
        for r in rows {
            context.console.print("\(r.name)\t\(day(r.createdAt))\t\(day(r.lastUsedAt))\t\(r.revokedAt.map { "revoked " + day($0) } ?? "live")")
        }
    }
}

struct RevokeApiKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "name", help: "The name the key was created with")
        var name: String
    }

    var help: String { "Revoke the live Open311 API key of that name" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let row = try await ApiKeyRepository(app.db).revoke(name: signature.name, now: Date())
        try await app.auditCLI("apikey_revoked", object: "open311_api_key", row.name, detail: "id=\(row.id.uuidString)")
        context.console.print(L10n.both("apikey.revoked", ["\(row.name)"]))
    }
}
