import FluentSQLiteDriver
import Foundation

/// Another writer, as far as SQLite can tell: a connection of its own to the database file that
/// holds the write lock (`BEGIN IMMEDIATE`) until `release`, as a long import in another process would.
public struct SQLiteWriteLock: Sendable {
    let connection: SQLiteConnection

    /// Takes the write lock of the SQLite database `db` reads (its main file).
    public static func take(of db: any SQLDatabase) async throws -> SQLiteWriteLock {
        struct File: Decodable { var name: String, file: String }
        let files = try await db.raw("PRAGMA database_list").all(decoding: File.self)
        guard let path = files.first(where: { $0.name == "main" })?.file, !path.isEmpty else {
            throw SQLiteWriteLockError(message: "no file behind the database")
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("BEGIN IMMEDIATE")
        return SQLiteWriteLock(connection: connection)
    }

    /// Ends the transaction without writing and closes the connection.
    public func release() async throws {
        _ = try await connection.query("ROLLBACK")
        try await connection.close()
    }
}

public struct SQLiteWriteLockError: Error { public var message: String }
