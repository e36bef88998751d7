import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Imports buildings, households and residents from CSV, and unit boundaries from GeoJSON.
/// All or nothing: every row is checked first and every problem reported with its row and
/// column; only a clean file is written, in one transaction. Rows whose key (building code,
/// household number, ID number) already exists in the caller's scope update that record.
public struct RegisterImporter: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher
    /// At most this many automatic corrections are listed.
    public static let noticeLimit = 1000

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    public func run(
        _ kind: ImportKind, bytes: [UInt8], in scope: Scope, options: ImportOptions = ImportOptions(),
        actor: ImportActor = ImportActor(accountID: nil, name: "cli"), progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ImportResult {
        let text: String, encoding: SourceEncoding
        do { (text, encoding) = try TextDecoding.decode(bytes) } catch {
            throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: error.message())])
        }
        var result: ImportResult
        if kind == .boundaries {
            result = try await BoundaryImport(db: db, scope: scope).run(Data(text.utf8))
        } else {
            let table: CSVTable
            do { table = try CSVTable(text: text) } catch {
                throw ImportFailure(problems: [ImportProblem(row: error.line, column: nil, message: error.message())])
            }
            let sheet = try Sheet(table: table, columns: ImportColumns.of(kind))
            let phases = ImportProgress(records: table.records.count, report: progress)
            phases.checked(0)
            switch kind {
            case .buildings: result = try await BuildingImport(db: db, scope: scope, options: options).run(sheet, progress: phases)
            case .households: result = try await HouseholdImport(db: db, scope: scope, options: options).run(sheet, progress: phases)
            case .residents:
                var residents = ResidentImport(db: db, scope: scope, cipher: cipher, options: options)
                residents.actor = actor
                residents.fileHash = ImportBatches.sha256(bytes)
                result = try await residents.run(sheet, progress: phases)
            case .boundaries: fatalError("handled above")
            }
            phases.finish()
        }
        result.encoding = encoding.rawValue
        return result
    }
}

/// Progress of an import in two halves of one bar, so it moves from the first second: rows
/// checked (the first half), then rows written (the second); a dry run or a refusal ends at checking.
struct ImportProgress: Sendable {
    let records: Int
    let report: @Sendable (Int, Int) -> Void

    var total: Int { max(1, 2 * records) }
    func checked(_ n: Int) { if n % 500 == 0 || n == records { report(min(n, records), total) } }
    func written(_ i: Int, of count: Int) { report(records + (count == 0 ? records : min(i, count) * records / count), total) }
    func finish() { report(total, total) }
}

/// A CSV table with its columns found, and a place to collect problems row by row.
struct Sheet {
    let table: CSVTable
    let columns: [ImportColumn]
    let index: [String: Int]
    var problems: [ImportProblem] = []
    /// Automatic corrections (Excel's apostrophes, full-width digits, old ID numbers), each listed.
    var notices: [ImportProblem] = []

    init(table: CSVTable, columns: [ImportColumn]) throws {
        self.table = table
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
        guard !table.records.isEmpty else {
            throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: L10n.t("import.empty"))])
        }
        self.index = index
    }

    func value(_ record: CSVRecord, _ field: String) -> String { table.value(record, index[field]) }

    func header(_ field: String) -> String {
        index[field].map { table.header[$0] } ?? columns.first { $0.field == field }?.header ?? field
    }

    mutating func problem(_ record: CSVRecord, _ field: String?, _ message: String) {
        problems.append(ImportProblem(row: record.row, column: field.map(header), message: message))
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
        if let key = VocabularyReader.read(raw, keys: keys, prefix: prefix) { return key }
        problem(record, field, L10n.t("field.not_one_of", raw, keys.map { L10n.t("\(prefix).\($0)") }.joined(separator: "/")))
        return nil
    }

    /// A value that must be unique within the file.
    mutating func unique(_ record: CSVRecord, _ field: String, _ value: String, seen: inout [String: Int]) {
        if let first = seen[value] { problem(record, field, L10n.t("import.duplicate_in_file", value, first)) } else { seen[value] = record.row }
    }

    func failIfProblems() throws {
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
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
        let rows = try await sql.raw("SELECT id, \(ident: key) AS k, unit_id FROM \(ident: table) WHERE \(ident: key) IN (\(binds: Array(chunk)))").all(decoding: Row.self)
        for r in rows { found[r.k] = (r.id, r.unit_id) }
    }
    return found
}
