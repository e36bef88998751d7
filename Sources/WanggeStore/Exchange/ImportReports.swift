import FluentKit
import Foundation
import SQLKit

/// Problem lists of refused imports, kept a day for the account that ran the import.
public struct ImportReports: Sendable, SQLRepository {
    let db: any Database
    public static let keep: TimeInterval = 86_400

    public init(_ db: any Database) { self.db = db }

    /// Stores the failure's whole list; returns its id. Lists older than a day go at the same time.
    public func save(_ failure: ImportFailure, account: UUID, now: Date) async throws -> UUID {
        let id = UUID()
        try await sql.raw("DELETE FROM import_reports WHERE created_at < \(bind: now.addingTimeInterval(-Self.keep))").run()
        try await sql.insert(into: "import_reports").columns("id", "account_id", "created_at", "csv")
            .values(SQLBind(id), SQLBind(account), SQLBind(now), SQLBind(String(decoding: failure.csv, as: UTF8.self))).run()
        return id
    }

    /// The list, if it is this account's and not yet a day old.
    public func csv(_ id: UUID, account: UUID, now: Date) async throws -> Data? {
        try await sql.raw(
            """
            SELECT csv FROM import_reports WHERE id = \(bind: id) AND account_id = \(bind: account) \
            AND created_at >= \(bind: now.addingTimeInterval(-Self.keep))
            """
        ).first()?.decode(column: "csv", as: String.self).data(using: .utf8)
    }
}
