import Foundation
import WanggeSecurity

/// Where Wangge's secrets come from: `WANGGE_KEYS` (the key file's text, for deployments that
/// inject secrets), else the file `WANGGE_KEY_FILE`, else `wangge.keys` in the data directory —
/// created with fresh keys, readable by its owner only, the first time Wangge starts. Several
/// instances sharing one PostgreSQL must be given the same keys.
public enum KeyFile {
    public static func load(environment env: [String: String]) throws -> KeyRing { try loadOrCreate(environment: env).keys }

    /// The keys, and whether the key file was created just now (so the caller can refuse a database
    /// that already holds data: see `refuseNewKeys`).
    public static func loadOrCreate(environment env: [String: String]) throws -> (keys: KeyRing, created: Bool) {
        if let text = env["WANGGE_KEYS"], !text.isEmpty { return (try KeyRing.parse(text), false) }
        let path = path(environment: env)
        if let data = FileManager.default.contents(atPath: path) {
            return (try KeyRing.parse(String(decoding: data, as: UTF8.self)), false)
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let text = KeyRing.newFile(fieldKeyID: "k1")
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.invalid, "keys.cannot_write", [path])
        }
        return (try KeyRing.parse(text), true)
    }

    /// The key-loss drill: a key file made just now for a database that already holds data would
    /// leave every encrypted field unreadable and new rows under a key the old ones do not share.
    /// So the fresh file is removed again and Wangge refuses to start, naming the missing file.
    public static func refuseNewKeys(environment env: [String: String], databaseInitialised: Bool) throws {
        guard databaseInitialised else { return }
        let path = path(environment: env)
        try? FileManager.default.removeItem(atPath: path)
        throw StoreError(.invalid, "keys.missing_for_data", [path])
    }

    public static func path(environment env: [String: String]) -> String {
        if let file = env["WANGGE_KEY_FILE"], !file.isEmpty { return file }
        let dir = env["WANGGE_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        return (dir as NSString).appendingPathComponent("wangge.keys")
    }
}
