import FluentKit
import SQLKit

/// What offline phones need on the server: a change log with a server-issued sequence (the phones'
/// cursor; never a timestamp, whose clock skew and equal values stalled other tools' syncs), the
/// registered devices, a receipt per queued write (exactly once) and the recorded conflicts.
///
/// The change log is filled by triggers, so no write path (forms, imports, the API, bulk loads) can
/// forget to bump it. On PostgreSQL the triggers take one transaction-scoped advisory lock before
/// taking a sequence number: numbers are then committed in the order they are handed out, so a
/// phone that read up to N can never miss an N-1 committed later.
struct CreateSync: AsyncMigration {
    /// A table whose rows the phone copies: the kind the change log calls them, the row's id and grid.
    struct Watched {
        var table: String
        var kind: String
        var id: String
        var unit: String
    }

    static let watched = [
        Watched(table: "buildings", kind: "building", id: "id", unit: "{row}.unit_id"),
        Watched(table: "households", kind: "household", id: "id", unit: "{row}.unit_id"),
        Watched(table: "residents", kind: "resident", id: "id", unit: "{row}.unit_id"),
        Watched(table: "resident_tags", kind: "resident", id: "resident_id", unit: "(SELECT unit_id FROM residents WHERE id = {row}.resident_id)"),
        // A visit moves its household in the due list.
        Watched(table: "home_visits", kind: "household", id: "household_id", unit: "{row}.unit_id"),
        Watched(table: "resident_needs", kind: "need", id: "id", unit: "{row}.unit_id"),
        Watched(table: "cases", kind: "case", id: "id", unit: "{row}.unit_id"),
    ]

    static let lockKey = 746_800_114

    func prepare(on db: any Database) async throws {
        try await db.schema("sync_changes")
            .field("seq", .int64, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("row_id", .uuid, .required)
            .field("unit_id", .uuid)
            .create()
        try await db.createIndex("sync_changes", "unit_id", "seq")
        try await db.createIndex("sync_changes", "row_id", "seq")
        try await db.schema("sync_devices")
            .id()
            .field("account_id", .uuid, .required, .references("accounts", "id"))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("label", .string, .required)
            .field("app_version", .string, .required)
            .field("signing_key", .string, .required)
            .field("applied_seq", .int64, .required)
            .field("registered_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("retired_at", .datetime)
            .create()
        try await db.createIndex("sync_devices", "unit_id", "last_seen_at")
        try await db.createIndex("sync_devices", "account_id")
        try await db.schema("sync_receipts")
            .field("client_id", .string, .identifier(auto: false))
            .field("device_id", .uuid, .required, .references("sync_devices", "id"))
            .field("device_seq", .int64, .required)
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("body", .string)
            .field("result", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.createIndex("sync_receipts", "device_id", "status", "device_seq")
        try await db.schema("sync_conflicts")
            .id()
            .field("resident_id", .uuid, .required, .references("residents", "id"))
            .field("unit_id", .uuid, .references("units", "id"))
            .field("field", .string, .required)
            .field("base", .string)
            .field("mine", .string)
            .field("server", .string)
            .field("state", .string, .required)
            .field("author_id", .uuid, .required)
            .field("author_name", .string, .required)
            .field("device_id", .uuid, .required)
            .field("client_id", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by_id", .uuid)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("final_value", .string)
            .create()
        try await db.createIndex("sync_conflicts", "unit_id", "state")
        // Photos come up in chunks before the write that names them, so a cut connection resumes
        // where it stopped instead of sending the whole photo again.
        try await db.schema("sync_upload_chunks")
            .field("upload_id", .uuid, .required)
            .field("device_id", .uuid, .required, .references("sync_devices", "id"))
            .field("offset", .int, .required)
            .field("total", .int, .required)
            .field("data", .data, .required)
            .field("created_at", .datetime, .required)
            .compositeIdentifier(over: "upload_id", "offset")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        for w in Self.watched {
            for statement in Self.isPostgres(sql) ? Self.postgresTriggers(w) : Self.sqliteTriggers(w) {
                try await sql.raw("\(unsafeRaw: statement)").run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            for w in Self.watched {
                let statements =
                    Self.isPostgres(sql)
                    ? ["DROP TRIGGER IF EXISTS sync_\(w.table) ON \(w.table)", "DROP FUNCTION IF EXISTS sync_note_\(w.table)()"]
                    : ["ins", "upd", "del"].map { "DROP TRIGGER IF EXISTS sync_\(w.table)_\($0)" }
                for statement in statements { try await sql.raw("\(unsafeRaw: statement)").run() }
            }
        }
        for table in ["sync_upload_chunks", "sync_conflicts", "sync_receipts", "sync_devices", "sync_changes"] { try await db.schema(table).delete() }
    }

    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    static func note(_ w: Watched, _ row: String) -> String {
        "INSERT INTO sync_changes (kind, row_id, unit_id) SELECT '\(w.kind)', \(row).\(w.id), \(w.unit.replacingOccurrences(of: "{row}", with: row))"
    }

    static func sqliteTriggers(_ w: Watched) -> [String] {
        let moved = w.unit == "{row}.unit_id" ? " WHERE OLD.unit_id IS NOT NEW.unit_id" : " WHERE 0"
        let oldNote = note(w, "OLD") + moved
        return [
            "CREATE TRIGGER sync_\(w.table)_ins AFTER INSERT ON \(w.table) BEGIN \(note(w, "NEW")); END",
            "CREATE TRIGGER sync_\(w.table)_upd AFTER UPDATE ON \(w.table) BEGIN \(note(w, "NEW")); \(oldNote); END",
            "CREATE TRIGGER sync_\(w.table)_del AFTER DELETE ON \(w.table) BEGIN \(note(w, "OLD")); END",
        ]
    }

    static func postgresTriggers(_ w: Watched) -> [String] {
        let moved = w.unit == "{row}.unit_id" ? "OLD.unit_id IS DISTINCT FROM NEW.unit_id" : "FALSE"
        return [
            """
            CREATE FUNCTION sync_note_\(w.table)() RETURNS trigger AS $$ BEGIN \
            PERFORM pg_advisory_xact_lock(\(lockKey)); \
            IF TG_OP <> 'DELETE' THEN \(note(w, "NEW")); END IF; \
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND \(moved)) THEN \(note(w, "OLD")); END IF; \
            RETURN NULL; END $$ LANGUAGE plpgsql
            """,
            "CREATE TRIGGER sync_\(w.table) AFTER INSERT OR UPDATE OR DELETE ON \(w.table) FOR EACH ROW EXECUTE FUNCTION sync_note_\(w.table)()",
        ]
    }
}
