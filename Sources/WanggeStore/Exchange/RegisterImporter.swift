import FluentKit
import FluentSQLiteDriver
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Imports buildings, households and residents from CSV, and unit boundaries from GeoJSON.
/// All or nothing: every row is checked and every problem reported with its row and column; a
/// file with any problem writes nothing. The file is read as a stream, a chunk of records at a
/// time, each chunk checked and — while no problem has been found, unless it is a dry run —
/// written at once in the import's one transaction, which a problem found later rolls back.
/// Memory stays that of a chunk, whatever the size of the file. Rows whose key (building code,
/// household number, ID number) already exists in the caller's scope update that record.
public struct RegisterImporter: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher
    /// At most this many automatic corrections are listed.
    public static let noticeLimit = 1000
    /// Records checked and written together.
    static let chunk = 2000

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    public func run(
        _ kind: ImportKind, bytes: [UInt8], in scope: Scope, options: ImportOptions = ImportOptions(),
        actor: ImportActor = ImportActor(accountID: nil, name: "cli"), audit: ImportAudit? = nil,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportResult {
        try await run(kind, from: .bytes(bytes), in: scope, options: options, actor: actor, audit: audit, progress: progress)
    }

    /// `progress` is told (rows done, rows expected): the expectation follows the share of the
    /// file read, so the bar and its time left are honest from the first chunk.
    public func run(
        _ kind: ImportKind, from source: ImportSource, in scope: Scope, options: ImportOptions = ImportOptions(),
        actor: ImportActor = ImportActor(accountID: nil, name: "cli"), audit: ImportAudit? = nil,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportResult {
        if kind == .boundaries {
            let text: String, encoding: SourceEncoding
            do { (text, encoding) = try TextDecoding.decode(try source.readAll()) } catch let problem as TextDecodingProblem {
                throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: problem.message())])
            }
            return try await db.transaction { tx in
                if audit != nil { try await StoreSetup.takeWriteLock(on: tx.sql) }
                var result = try await BoundaryImport(db: tx, scope: scope).run(Data(text.utf8))
                result.encoding = encoding.rawValue
                try await audit?.append(result, on: tx.sql)
                return result
            }
        }
        let context = ImportContext(db: db, scope: scope, options: options, actor: actor)
        switch kind {
        case .buildings: return try await stream(BuildingImport(context), from: source, audit: audit, progress: progress)
        case .households: return try await stream(HouseholdImport(context), from: source, audit: audit, progress: progress)
        case .residents: return try await stream(ResidentImport(context, cipher: cipher), from: source, audit: audit, progress: progress)
        case .boundaries: preconditionFailure("read above")
        }
    }

    func stream<I: ChunkedImport>(
        _ importer: I, from source: ImportSource, audit: ImportAudit?, progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> ImportResult {
        let run = try ImportRun(importer, source: source, progress: progress)
        try await run.importer.prepare(on: db.sql)
        var result: ImportResult
        if run.importer.context.options.dryRun {
            // A dry run writes nothing but its audit entry.
            try await run.pass(db.sql, nil)
            result = run.importer.result
            result.dryRun = true
            result.notices = run.sheet.notices
            result.encoding = run.reader.encoding.rawValue
            let finished = result
            if let audit { try await db.transaction { tx in try await audit.append(finished, on: tx.sql) } }
        } else {
            let actor = run.importer.context.actor, kind = I.kind
            // The import's connection writes with SQLite's page cache as every pooled connection has it
            // (`StoreSetup.prepare`, 32 MB): the default 2 MB held a sliver of the indexes a large import
            // inserts into at random (ID look-up hashes, names).
            result = try await db.transaction { tx in
                let batch = try await BatchRecorder.start(kind, actor: actor, on: tx.sql)
                try await run.pass(tx.sql, batch)
                var result = run.importer.result
                result.batch = try await batch.finish(file: run.reader.fileHash, inserted: result.inserted, updated: result.updated, on: tx.sql)
                result.notices = run.sheet.notices
                result.encoding = run.reader.encoding.rawValue
                try await audit?.append(result, on: tx.sql)
                return result
            }
            // A large import changes what the planner should know of the tables (only SQLite needs telling).
            if db.sql.dialect.name == "sqlite", result.inserted + result.updated >= Self.analyzeAfter { try? await StoreSetup.analyze(db.sql, quick: true) }
        }
        return result
    }

    /// Rows written by an import after which SQLite's statistics are refreshed.
    static let analyzeAfter = 10_000
}

/// The audit entry of an import that went through, committed in the import's own transaction
/// (a refused import writes nothing, and its entry is the caller's to append).
public struct ImportAudit: Sendable {
    public let chain: AuditChain
    public let entry: @Sendable (ImportResult) -> AuditEntry

    public init(chain: AuditChain, entry: @escaping @Sendable (ImportResult) -> AuditEntry) {
        self.chain = chain
        self.entry = entry
    }

    func append(_ result: ImportResult, on sql: any SQLDatabase) async throws {
        _ = try await AuditLog.append([entry(result)], chain: chain, on: sql)
    }
}

/// One import's reading, checking and writing state, handed into its transaction (used by one
/// task at a time, one step after another).
final class ImportRun<I: ChunkedImport>: @unchecked Sendable {
    var importer: I
    var reader: RecordReader
    var sheet: Sheet
    let size: Int
    let report: @Sendable (Int, Int) -> Void

    init(_ importer: I, source: ImportSource, progress: @escaping @Sendable (Int, Int) -> Void) throws {
        self.importer = importer
        reader = try RecordReader(source)
        size = source.size
        report = progress
        report(0, 1)
        guard let header = try reader.header() else {
            throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: L10n.t("import.empty"))])
        }
        sheet = try Sheet(header: header, columns: ImportColumns.of(I.kind))
    }

    /// Reads and checks every chunk, and (given a batch, while the file is clean so far) writes it.
    func pass(_ sql: any SQLDatabase, _ batch: BatchRecorder?) async throws {
        var rows = 0
        while true {
            let records = try reader.next(RegisterImporter.chunk)
            if records.isEmpty { break }
            let checked = try await importer.check(records, &sheet, on: sql)
            if let batch, sheet.problemCount == 0 { try await importer.write(checked, on: sql, batch: batch) }
            rows += records.count
            // Every record parsed so far came from the bytes read so far: the rest of the file holds as many per byte.
            let read = Double(max(1, reader.bytesRead)), parsed = Double(rows + reader.waiting)
            report(rows, max(rows, Int((parsed * max(Double(size), read) / read).rounded())))
        }
        guard rows > 0 else { throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: L10n.t("import.empty"))]) }
        try sheet.failIfProblems()
        report(rows, rows)
    }
}

/// What every kind's import knows: where it writes, for whom, how.
struct ImportContext: Sendable {
    let db: any Database
    let scope: Scope
    var options: ImportOptions
    var actor: ImportActor
}

/// One kind of register import, checked and written a chunk of records at a time (see
/// `RegisterImporter.stream`). `check` reads what it needs through `sql` — the import's own
/// transaction when it writes, so a chunk sees the chunks written before it.
protocol ChunkedImport: SendableMetatype {
    associatedtype Row
    static var kind: ImportKind { get }
    var context: ImportContext { get }
    /// Loads what every chunk needs (the grids, the tags).
    mutating func prepare(on sql: any SQLDatabase) async throws
    mutating func check(_ records: [CSVRecord], _ sheet: inout Sheet, on sql: any SQLDatabase) async throws -> [Row]
    /// Writes a chunk whose rows are all clean, recording what it changes in `batch`.
    mutating func write(_ rows: [Row], on sql: any SQLDatabase, batch: BatchRecorder) async throws
    /// What was (or, in a dry run, would be) done.
    var result: ImportResult { get }
}

/// A CSV file's columns found from its header, and a place to collect problems row by row.
struct Sheet {
    let header: [String]
    let headerLine: Int
    let columns: [ImportColumn]
    let index: [String: Int]
    var log = ProblemLog()
    /// Automatic corrections (Excel's apostrophes, full-width digits, old ID numbers), each listed.
    var notices: [ImportProblem] = []
    /// Vocabulary names read so far, by prefix: every name (key, Chinese, English) → its key.
    var vocabularies: [String: [String: String]] = [:]

    init(header record: CSVRecord, columns: [ImportColumn]) throws {
        let table = CSVTable(header: record.fields.map { $0.trimmingSpaces() }, records: [], headerLine: record.row)
        header = table.header
        headerLine = table.headerLine
        self.columns = columns
        var index: [String: Int] = [:]
        var missing: [ImportProblem] = []
        let names = table.header.map { $0.trimmingSpaces().lowercased() }
        for column in columns {
            let accepted = Set(column.allNames.map { $0.trimmingSpaces().lowercased() })
            let found = names.indices.filter { accepted.contains(names[$0]) }
            if found.count > 1 {
                // 联系电话 twice, or 电话 and 手机: which one is meant cannot be guessed.
                let listed = found.map { table.header[$0] }.joined(separator: "、")
                missing.append(ImportProblem(row: table.headerLine, column: column.header, message: L10n.t("import.duplicate_column", listed)))
            } else if let i = table.column(named: column.allNames) {
                index[column.field] = i
            } else if column.required {
                missing.append(ImportProblem(row: table.headerLine, column: column.header, message: L10n.t("import.missing_column", column.header)))
            }
        }
        guard missing.isEmpty else { throw ImportFailure(problems: missing) }
        let used = Set(index.values)
        for (i, name) in table.header.enumerated() where !used.contains(i) && !name.isEmpty {
            notices.append(ImportProblem(row: table.headerLine, column: name, message: L10n.t("import.unknown_column", name)))
        }
        self.index = index
    }

    func value(_ record: CSVRecord, _ field: String) -> String { CSVTable.cell(record, index[field]) }

    func header(_ field: String) -> String {
        index[field].map { header[$0] } ?? columns.first { $0.field == field }?.header ?? field
    }

    /// Problems found so far (listed or not).
    var problemCount: Int { log.total }

    mutating func problem(_ record: CSVRecord, _ field: String?, _ message: String) {
        log.add(ImportProblem(row: record.row, column: field.map(header), message: message))
    }

    /// Records an automatic correction of a cell, to be listed in the result.
    mutating func notice(_ record: CSVRecord, _ field: String, _ fix: ExcelCells.Fix) {
        guard notices.count < RegisterImporter.noticeLimit else { return }
        let reason = L10n.format(fix.reason, fix.args)
        notices.append(ImportProblem(row: record.row, column: header(field), message: L10n.t("import.fix", fix.before, fix.after, reason)))
    }

    /// A long-number cell (ID number, 户号, phone) with what Excel did to it undone where it can
    /// be and refused where the number is lost; nil after a problem.
    mutating func longNumber(_ record: CSVRecord, _ field: String, digits: Int? = nil) -> String? {
        let raw = value(record, field)
        let (cleaned, fixes, damage) = ExcelCells.longNumber(raw, digits: digits)
        if let damage {
            problem(record, field, L10n.t(damage.messageKey, raw))
            return nil
        }
        for fix in fixes { notice(record, field, fix) }
        return cleaned
    }

    /// Whether the file states this field for the record: the column is there and the cell is not
    /// empty, or it is empty and empty means clear (for a field that may be cleared).
    func states(_ record: CSVRecord, _ field: String, clearable: Bool, _ options: ImportOptions) -> Bool {
        guard index[field] != nil else { return false }
        return !value(record, field).isEmpty || (clearable && options.emptyClears)
    }

    /// A coverage gap: refused, or with `accept` listed as a notice and taken.
    mutating func gap(_ record: CSVRecord, _ field: String, _ message: String, accept: Bool) {
        if accept {
            notices.append(ImportProblem(row: record.row, column: header(field), message: L10n.t("import.gap_accepted", message)))
        } else {
            problem(record, field, message + L10n.t("import.gap_hint"))
        }
    }

    /// A required value, or a problem recorded.
    mutating func required(_ record: CSVRecord, _ field: String) -> String? {
        let v = value(record, field)
        if v.isEmpty { problem(record, field, L10n.t("field.required")); return nil }
        return v
    }

    /// An optional vocabulary value, read as key or name (see `VocabularyReader`); nil when empty
    /// or, with a problem recorded, when it is none of `keys`.
    mutating func vocabulary(_ record: CSVRecord, _ field: String, keys: [String], prefix: String) -> String? {
        let raw = value(record, field)
        guard !raw.isEmpty else { return nil }
        let names = vocabularies[prefix] ?? VocabularyReader.names(keys: keys, prefix: prefix)
        vocabularies[prefix] = names
        if let key = names[raw.lowercased()] { return key }
        problem(record, field, L10n.t("field.not_one_of", raw, keys.map { L10n.t("\(prefix).\($0)") }.joined(separator: "/")))
        return nil
    }

    /// A value that must be unique within the file.
    mutating func unique(_ record: CSVRecord, _ field: String, _ value: String, seen: inout [String: Int]) {
        if let first = seen[value] { problem(record, field, L10n.t("import.duplicate_in_file", value, first)) } else { seen[value] = record.row }
    }

    func failIfProblems() throws {
        guard log.total == 0 else { throw ImportFailure(log: log) }
    }
}

/// The grids a caller may import into, by code, and how to place a point.
struct GridCatalogue {
    let byCode: [String: UnitRow]
    let locator: GridLocator

    static func load(_ db: any Database, scope: Scope) async throws -> GridCatalogue {
        let grids = try await UnitRepository(db).all(in: scope, level: .grid)
        return GridCatalogue(byCode: Dictionary(grids.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }), locator: GridLocator(grids: grids))
    }
}

/// Finds which keys of a batch already exist, in one query per few hundred keys.
func existing(_ sql: any SQLDatabase, table: String, key: String, values: [String]) async throws -> [String: (id: UUID, unitID: UUID?)] {
    struct Row: Decodable { var id: UUID; var k: String; var unit_id: UUID? }
    var found: [String: (UUID, UUID?)] = [:]
    for chunk in values.chunks(of: 500) {
        let rows = try await sql.bulk.raw("SELECT id, \(ident: key) AS k, unit_id FROM \(ident: table) WHERE \(ident: key) IN (\(binds: Array(chunk)))").all(decoding: Row.self)
        for r in rows { found[r.k] = (r.id, r.unit_id) }
    }
    return found
}
