import FluentKit
import SQLKit

extension Database {
    /// This database as SQLKit sees it. Both drivers Wangge runs on (SQLite and PostgreSQL) are SQL
    /// databases; this is the one place that says so.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { preconditionFailure("Wangge runs on SQL databases only (SQLite, PostgreSQL)") }
        return sql
    }
}

/// A repository: it works on a Fluent database and writes its queries with SQLKit, always with bound
/// parameters.
protocol SQLRepository: Sendable {
    var db: any Database { get }
}

extension SQLRepository {
    var sql: any SQLDatabase { db.sql }
}
