import FluentKit
import Foundation
import SQLKit
import WanggeSecurity

/// Moves every encrypted value to the key ring's current key: resident ID numbers (with their
/// look-up hashes, which are derived from the current key and so change with it) and account
/// TOTP secrets. Pages of 1,000 rows, each page in its own transaction, so an interrupted run
/// loses at most one page of work and simply runs again; a row already under the current key
/// with the current hash is left alone.
public struct KeyRotation: Sendable, SQLRepository {
    public struct Report: Sendable, Equatable {
        /// Residents with an ID number that were looked at.
        public var residents = 0
        /// ID numbers that were under an older key.
        public var reencrypted = 0
        /// Look-up hashes recomputed (all of them, after a new key).
        public var rehashed = 0
        /// TOTP secrets moved to the current key.
        public var totpSecrets = 0
        /// Case reporters' phones moved to the current key.
        public var reporterPhones = 0
        /// Case reporters' e-mail addresses moved to the current key.
        public var reporterEmails = 0
    }

    public static let pageSize = 1000

    let db: any Database
    let cipher: FieldCipher

    /// `cipher` must hold the new key first and every key still in use after it.
    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// Rows to visit: residents with an ID number, and accounts with a TOTP secret.
    public func total() async throws -> Int {
        let residents = try await sql.raw("SELECT COUNT(*) AS n FROM residents WHERE id_number IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        let accounts = try await sql.raw("SELECT COUNT(*) AS n FROM accounts WHERE totp_secret IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        let phones = try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE reporter_phone IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        let emails = try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE reporter_email IS NOT NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        return residents + accounts + phones + emails
    }

    /// Values still encrypted under a key other than the current one (0 after a complete rotation,
    /// when the old key lines may be removed from the key file).
    public func remaining() async throws -> Int {
        let current = "v1.\(cipher.currentKeyID).%"
        let residents =
            try await sql.raw("SELECT COUNT(*) AS n FROM residents WHERE id_number IS NOT NULL AND id_number NOT LIKE \(bind: current)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let accounts =
            try await sql.raw("SELECT COUNT(*) AS n FROM accounts WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE \(bind: current)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        var reporters = 0
        for column in Self.reporterColumns {
            reporters +=
                try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE \(ident: column) IS NOT NULL AND \(ident: column) NOT LIKE \(bind: current)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return residents + accounts + reporters
    }

    /// Re-encrypts and re-hashes everything; `progress` is told (done, total) after each page.
    public func rotate(progress: (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let total = try await total()
        var report = Report()
        var after: UUID?
        while true {
            let page = try await residentPage(after: after)
            guard let last = page.last else { break }
            let changes = try page.compactMap(resealed)
            if !changes.isEmpty {
                try await db.transaction { tx in
                    let sql = tx.sql
                    for c in changes {
                        try await sql.update("residents").set("id_number", to: c.stored).set("id_number_hash", to: c.hash).where("id", .equal, c.id).run()
                    }
                }
            }
            report.residents += page.count
            report.reencrypted += changes.filter(\.reencrypted).count
            report.rehashed += changes.filter(\.rehashed).count
            after = last.id
            progress(report.residents, total)
        }
        report.totpSecrets = try await rotateTOTPSecrets()
        report.reporterPhones = try await rotateReporterColumn("reporter_phone", hashColumn: "reporter_phone_hash")
        report.reporterEmails = try await rotateReporterColumn("reporter_email")
        progress(total, total)
        return report
    }

    struct StoredID: Decodable {
        var id: UUID
        var id_number: String
        var id_number_hash: String?
    }

    struct Change {
        var id: UUID
        var stored: String
        var hash: String
        var reencrypted: Bool
        var rehashed: Bool
    }

    func residentPage(after: UUID?) async throws -> [StoredID] {
        let from: SQLQueryString = after.map { "AND id > \(bind: $0)" } ?? ""
        return try await sql.raw(
            """
            SELECT id, id_number, id_number_hash FROM residents WHERE id_number IS NOT NULL \(from) ORDER BY id LIMIT \(count: Self.pageSize)
            """
        ).all(decoding: StoredID.self)
    }

    /// What a row must become under the current key, or nil when it already is.
    func resealed(_ row: StoredID) throws -> Change? {
        let plain = try open(row.id_number, what: "resident \(row.id)")
        let reencrypt = FieldCipher.keyID(of: row.id_number) != cipher.currentKeyID
        let hash = cipher.lookupHash(plain)
        guard reencrypt || hash != row.id_number_hash else { return nil }
        return Change(
            id: row.id, stored: reencrypt ? cipher.encrypt(plain) : row.id_number, hash: hash,
            reencrypted: reencrypt, rehashed: hash != row.id_number_hash)
    }

    func rotateTOTPSecrets() async throws -> Int {
        struct Secret: Decodable { var id: UUID; var totp_secret: String }
        let secrets = try await sql.raw("SELECT id, totp_secret FROM accounts WHERE totp_secret IS NOT NULL").all(decoding: Secret.self)
        let stale = secrets.filter { FieldCipher.keyID(of: $0.totp_secret) != cipher.currentKeyID }
        let moved = try stale.map { ($0.id, cipher.encrypt(try open($0.totp_secret, what: "account \($0.id)"))) }
        guard !moved.isEmpty else { return 0 }
        try await db.transaction { tx in
            for (id, stored) in moved {
                try await tx.sql.update("accounts").set("totp_secret", to: stored).where("id", .equal, id).run()
            }
        }
        return moved.count
    }

    /// The encrypted reporter contacts on cases.
    static let reporterColumns = ["reporter_phone", "reporter_email"]

    /// One encrypted column of cases (a reporter's phone or e-mail), a page at a time until none is under an older key,
    /// with its look-up hash (derived from the current key) in `hashColumn` when it has one.
    func rotateReporterColumn(_ column: String, hashColumn: String? = nil) async throws -> Int {
        let current = "v1.\(cipher.currentKeyID).%"
        var moved = 0
        while true {
            let rows = try await sql.raw(
                """
                SELECT id, \(ident: column) AS value FROM cases WHERE \(ident: column) IS NOT NULL AND \(ident: column) NOT LIKE \(bind: current) \
                ORDER BY id LIMIT \(count: Self.pageSize)
                """
            ).all()
            guard !rows.isEmpty else { return moved }
            let sealed = try rows.map { row in
                let id = try row.decode(column: "id", as: UUID.self)
                let plain = try open(try row.decode(column: "value", as: String.self), what: "case \(id)")
                return (id, cipher.encrypt(plain), cipher.lookupHash(plain))
            }
            try await db.transaction { tx in
                for (id, stored, hash) in sealed {
                    var update = tx.sql.update("cases").set(column, to: stored)
                    if let hashColumn { update = update.set(hashColumn, to: hash) }
                    try await update.where("id", .equal, id).run()
                }
            }
            moved += sealed.count
        }
    }

    func open(_ stored: String, what: String) throws -> String {
        do { return try cipher.decrypt(stored) } catch { throw StoreError(.invalid, "keys.cannot_decrypt", ["\(what): \(error)"]) }
    }
}
