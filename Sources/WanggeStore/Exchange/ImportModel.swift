import Foundation
import WanggeCore

/// What can be imported (B6).
public enum ImportKind: String, Sendable, Codable, CaseIterable {
    case buildings, households, residents, boundaries
}

/// One thing wrong with an import: the file row (header = row 1), the column as the file
/// names it, and why.
public struct ImportProblem: Sendable, Codable, Equatable {
    public var row: Int?
    public var column: String?
    public var message: String

    public init(row: Int?, column: String?, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }
}

/// An import refused as a whole: nothing was written. Every problem is counted and kept for the
/// CSV list; the first `kept` are held as values (screens list the first `shown`), the rest only
/// as lines of that CSV, so a file of a million bad rows does not need a million structs.
public struct ImportFailure: Error, Sendable, Equatable {
    public var problems: [ImportProblem]
    /// Every problem, listed or not.
    public var total: Int
    /// CSV lines of the problems beyond `problems`.
    var more: [UInt8] = []

    public init(problems: [ImportProblem]) {
        self.problems = problems
        total = problems.count
    }

    init(log: ProblemLog) {
        problems = log.listed
        total = log.total
        more = log.more
    }

    /// How many problems a page or an API answer lists; the count always covers them all.
    public static let shown = 1000

    /// The whole list as CSV that Excel opens: 行, 列, 问题.
    public var csv: Data {
        var writer = CSVWriter(header: [L10n.t("col.row"), L10n.t("col.column"), L10n.t("col.problem")])
        for p in problems { writer.append(ProblemLog.cells(p)) }
        return writer.data + Data(more)
    }
}

/// The problems an import finds: counted, the first `keep` kept, every later one written as a
/// CSV line.
struct ProblemLog {
    static let keep = 10_000
    var listed: [ImportProblem] = []
    var total = 0
    var more: [UInt8] = []

    mutating func add(_ problem: ImportProblem) {
        total += 1
        if listed.count < Self.keep {
            listed.append(problem)
        } else {
            more += Array(CSVWriter.line(Self.cells(problem)).utf8)
        }
    }

    static func cells(_ p: ImportProblem) -> [String] { [p.row.map(String.init) ?? "", p.column ?? "", p.message] }
}

public struct ImportResult: Sendable, Codable, Equatable {
    public var kind: ImportKind
    public var inserted: Int
    /// Existing records with at least one field changed.
    public var updated: Int
    public var encoding: String
    /// Existing records the file matched and left as they were (an unchanged export sent back).
    public var unchanged = 0
    /// Field → how many records had it changed.
    public var changes: [String: Int] = [:]
    /// Nothing was written: what would have happened.
    public var dryRun = false
    /// Things the reader should know that did not stop the import (columns ignored, values cleaned).
    public var notices: [ImportProblem] = []
    /// The recorded batch, which can be rolled back (nil when nothing was written).
    public var batch: UUID?

    public init(kind: ImportKind, inserted: Int, updated: Int, encoding: String) {
        self.kind = kind
        self.inserted = inserted
        self.updated = updated
        self.encoding = encoding
    }
}

/// A column of an import file: the field it fills, the header Wangge writes, the other headers
/// accepted for it (as offices name them), and whether a value is required.
struct ImportColumn {
    var field: String
    var header: String
    var aliases: [String]
    var required: Bool

    var allNames: [String] { [header, field] + aliases }
}

/// The columns of each kind, in the order exports write them.
enum ImportColumns {
    static let buildings = [
        ImportColumn(field: "code", header: "编号", aliases: ["楼栋编号", "建筑编号"], required: true),
        ImportColumn(field: "name", header: "名称", aliases: ["楼栋名称", "建筑名称"], required: true),
        ImportColumn(field: "address", header: "地址", aliases: ["详细地址"], required: true),
        ImportColumn(field: "kind", header: "类型", aliases: ["建筑类型"], required: false),
        ImportColumn(field: "floors", header: "层数", aliases: ["楼层数"], required: false),
        ImportColumn(field: "lon", header: "经度", aliases: ["longitude", "lng"], required: true),
        ImportColumn(field: "lat", header: "纬度", aliases: ["latitude"], required: true),
        ImportColumn(field: "grid_code", header: "网格编码", aliases: ["网格代码", "所属网格"], required: false),
    ]
    static let households = [
        ImportColumn(field: "number", header: "户号", aliases: ["户编号"], required: true),
        ImportColumn(field: "address", header: "地址", aliases: ["住址", "详细地址"], required: true),
        ImportColumn(field: "building_code", header: "楼栋编号", aliases: ["楼栋"], required: false),
        ImportColumn(field: "room", header: "房号", aliases: ["门牌", "房间号"], required: false),
        ImportColumn(field: "grid_code", header: "网格编码", aliases: ["网格代码", "所属网格"], required: false),
        ImportColumn(field: "kind", header: "户类型", aliases: ["户别"], required: false),
    ]
    static let residents = [
        ImportColumn(field: "name", header: "姓名", aliases: [], required: true),
        ImportColumn(field: "id_number", header: "身份证号", aliases: ["公民身份号码", "身份证号码", "证件号码"], required: false),
        ImportColumn(field: "document_number", header: "其他证件号", aliases: ["护照号"], required: false),
        ImportColumn(field: "phone", header: "联系电话", aliases: ["电话", "手机", "手机号"], required: false),
        ImportColumn(field: "household_number", header: "户号", aliases: ["户编号"], required: false),
        ImportColumn(field: "relation", header: "与户主关系", aliases: ["关系"], required: false),
        ImportColumn(field: "residence_type", header: "居住类型", aliases: ["人口类型"], required: false),
        ImportColumn(field: "tags", header: "标签", aliases: ["关注类别", "人员类别"], required: false),
    ]

    static func of(_ kind: ImportKind) -> [ImportColumn] {
        switch kind {
        case .buildings: buildings
        case .households: households
        case .residents: residents
        case .boundaries: []
        }
    }
}

/// Reads a vocabulary value as the key itself or its Chinese or English name
/// ("流动" / "floating"), so an office can type what it reads on screen.
enum VocabularyReader {
    /// Every name `read` accepts, lower-cased, with its key (the first key to claim a name keeps it).
    static func names(keys: [String], prefix: String) -> [String: String] {
        var out: [String: String] = [:]
        for key in keys {
            for name in [key, L10n.format("\(prefix).\(key)", [], lang: .zh), L10n.format("\(prefix).\(key)", [], lang: .en)] {
                let k = name.lowercased()
                if out[k] == nil { out[k] = key }
            }
        }
        return out
    }

    static func read(_ raw: String, keys: [String], prefix: String) -> String? {
        let value = raw.trimmingSpaces().lowercased()
        for key in keys {
            if key == value { return key }
            if L10n.format("\(prefix).\(key)", [], lang: .zh).lowercased() == value { return key }
            if L10n.format("\(prefix).\(key)", [], lang: .en).lowercased() == value { return key }
        }
        return nil
    }
}

extension ImportResult {
    /// What the import did (or, in a dry run, would do), line by line, for the page and the command line.
    public var summaryLines: [String] {
        let kindName = L10n.t("import.kind.\(kind.rawValue)"), encodingName = L10n.t("text.encoding.\(encoding)")
        var lines = [L10n.t(dryRun ? "import.dry_run_done" : "import.done", kindName, inserted, updated, encodingName)]
        if let batch { lines.append(L10n.t("import.batch_id", batch.uuidString)) }
        if unchanged > 0 { lines.append(L10n.t("import.unchanged", unchanged)) }
        if !changes.isEmpty {
            let columns = ImportColumns.of(kind)
            let order = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.field, $0) })
            let parts = changes.sorted { (order[$0.key] ?? 99, $0.key) < (order[$1.key] ?? 99, $1.key) }.map { field, n in
                L10n.t("import.change", columns.first { $0.field == field }?.header ?? field, n)
            }
            lines.append(L10n.t("import.changes", parts.joined(separator: "，")))
        }
        return lines
    }
}
