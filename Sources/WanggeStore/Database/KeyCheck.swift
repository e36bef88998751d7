import FluentKit
import Foundation
import SQLKit
import WanggeSecurity

/// The wrong-key drill (a key file that exists but is not this database's — restored from another
/// machine, mixed up between districts): checked at start, before anything is written.
/// - the field key: one stored encrypted value of each kind (an ID number, a reporter's phone, a
///   TOTP secret) must open; a key id the file lacks, or a value that fails its tag, stops start-up;
/// - the audit key: of the newest three audit entries at least one hash must recompute with the
///   file's chain key. With a wrong key none does; an entry altered by hand breaks only itself, and
///   that is `wangge audit verify`'s finding, not a reason to refuse start-up.
/// A database with no rows of a kind has nothing to check for it.
public enum KeyCheck {
    static let samples: [(table: String, column: String)] = [("residents", "id_number"), ("cases", "reporter_phone"), ("accounts", "totp_secret")]

    public static func verify(_ db: any Database, keys: KeyRing) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (table, column) in samples {
            let row = try await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table) WHERE \(ident: column) IS NOT NULL LIMIT 1").first()
            guard let stored = try row?.decode(column: "v", as: String.self) else { continue }
            do {
                _ = try keys.cipher.decrypt(stored)
            } catch {
                throw StoreError(.invalid, "keys.wrong_field_key", ["\(table).\(column)", FieldCipher.keyID(of: stored) ?? "?"])
            }
        }
        let links = try await sql.raw("SELECT \(unsafeRaw: StoredEntry.columns) FROM audit_log ORDER BY seq DESC LIMIT 3").all(decoding: StoredEntry.self).map(\.link)
        if let newest = links.first, links.allSatisfy({ keys.audit.hash(previous: $0.previous, fields: $0.fields) != $0.hash }) {
            throw StoreError(.invalid, "keys.wrong_audit_key", [String(newest.seq)])
        }
    }
}
