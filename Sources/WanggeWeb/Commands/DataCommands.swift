import Fluent
import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// Finds the scope a command works in: the whole database, or the subtree of `--unit CODE`.
func commandScope(_ app: Application, unitCode: String?) async throws -> Scope {
    guard let unitCode else { return .everything }
    guard let unit = try await UnitRepository(app.db).find(code: unitCode, in: .everything) else {
        throw StoreError(.notFound, "import.unknown_unit", [unitCode])
    }
    return .subtree(of: unit)
}

extension ImportKind {
    /// The kind named on a command line or in a form, or a clear error listing the choices.
    static func parse(_ raw: String) throws -> ImportKind {
        guard let kind = ImportKind(rawValue: raw) else {
            throw StoreError(.invalid, "field.not_one_of", [raw, allCases.map(\.rawValue).joined(separator: "/")], field: "kind")
        }
        return kind
    }
}

/// `wangge import KIND FILE`: all-or-nothing import, every problem printed with row and column.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "buildings | households | residents | boundaries")
        var kind: String
        @Argument(name: "file", help: "CSV file (UTF-8, UTF-8 with BOM or GBK/GB18030), or GeoJSON for boundaries")
        var file: String
        @Option(name: "unit", help: "Only allow rows inside this unit (its code)")
        var unit: String?
        @Flag(name: "dry-run", help: "Check the file and report what would change; write nothing")
        var dryRun: Bool
        @Flag(name: "empty-clears", help: "An empty cell clears that field (by default empty cells and absent columns change nothing)")
        var emptyClears: Bool
        @Flag(name: "accept-gaps", help: "Take buildings outside every grid and households in no grid as coverage gaps instead of refusing them")
        var acceptGaps: Bool
    }

    var help: String { "Import buildings, households or residents from CSV, or unit boundaries from GeoJSON (all or nothing)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let kind = try ImportKind.parse(signature.kind)
        guard FileManager.default.isReadableFile(atPath: signature.file) else { throw StoreError(.notFound, "import.no_file", [signature.file]) }
        let app = context.application
        let bar = ProgressBar("导入 / import")
        do {
            let scope = try await commandScope(app, unitCode: signature.unit)
            let result: ImportResult
            do {
                let options = ImportOptions(emptyClears: signature.emptyClears, dryRun: signature.dryRun, acceptGaps: signature.acceptGaps)
                let unit = signature.unit
                let audit = ImportAudit(chain: app.keys.audit) { result in
                    Application.cliEntry("import", object: "register", kind.rawValue, detail: Request.importDetail(result, via: "cli", unit: unit))
                }
                result = try await RegisterImporter(app.db, cipher: app.keys.cipher).run(kind, from: .file(signature.file), in: scope, options: options, audit: audit) {
                    bar.update($0, $1)
                }
            } catch let failure as ImportFailure {
                try await app.auditCLI(
                    "import", object: "register", kind.rawValue,
                    detail: AuditDetail(
                        ["problems": "\(failure.total)", "unit": signature.unit, "via": "cli"]).text, outcome: "refused")
                throw failure
            }
            for line in result.summaryLines { context.console.print(line) }
            for p in result.notices {
                context.console.print([p.row.map { L10n.t("import.row", $0) }, p.column, p.message].compactMap { $0 }.joined(separator: " · "))
            }
        } catch let failure as ImportFailure {
            context.console.error(L10n.t("import.failed", failure.total))
            for p in failure.problems {
                context.console.error([p.row.map { L10n.t("import.row", $0) }, p.column, p.message].compactMap { $0 }.joined(separator: " · "))
            }
            throw ExitCode(1)
        }
    }
}

public struct ExitCode: Error { public let code: Int32; public init(_ code: Int32) { self.code = code } }

/// `wangge export KIND`: CSV (UTF-8 with BOM) or GeoJSON for boundaries, masked unless `--unmasked`.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "buildings | households | residents | boundaries")
        var kind: String
        @Option(name: "out", short: "o", help: "Write to this file instead of standard output")
        var out: String?
        @Option(name: "unit", help: "Only this unit's subtree (its code)")
        var unit: String?
        @Flag(name: "unmasked", help: "Full ID numbers and phones (for data migration by an administrator of the machine); needs --reason")
        var unmasked: Bool
        @Option(name: "reason", help: "Why the export is unmasked (4–200 characters); written to the audit log")
        var reason: String?
    }

    var help: String { "Export the register as CSV that Excel opens, or boundaries as GeoJSON" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let kind = try ImportKind.parse(signature.kind)
        let app = context.application
        // The command line passes the same rule as the web's gate: unmasked data only with a stated reason.
        let reason = signature.unmasked ? try Unmask.reason(signature.reason) : nil
        let scope = try await commandScope(app, unitCode: signature.unit)
        let exporter = RegisterExporter(app.db, cipher: app.keys.cipher)
        // Written as it is read, a page at a time, so memory stays flat. To a file: into a partial file
        // that takes the given name only after the audit entry (with the rows counted) is written. To
        // standard output: the entry is written first, since what is printed cannot be taken back.
        func detail(_ rows: Int?) -> String {
            var text = DataController.exportDetail(rows: rows, unit: signature.unit, unmasked: signature.unmasked, via: "cli")
            if let reason { text += "; " + AuditDetail(["reason": reason]).text }
            return text
        }
        // A device or pipe (/dev/null, a FIFO) is written as it is: only a plain file is replaced.
        let partial = signature.out.flatMap { out -> String? in
            let type = (try? FileManager.default.attributesOfItem(atPath: out))?[.type] as? FileAttributeType
            return type == nil || type == .typeRegular ? out + ".partial" : nil
        }
        let sink: FileHandle
        if let out = signature.out, partial == nil {
            try await app.auditCLI("export", object: "register", kind.rawValue, detail: detail(nil))
            guard let file = FileHandle(forWritingAtPath: out) else { throw StoreError(.invalid, "export.cannot_write", [out]) }
            sink = file
        } else if let partial {
            guard FileManager.default.createFile(atPath: partial, contents: nil), let file = FileHandle(forWritingAtPath: partial) else {
                throw StoreError(.invalid, "export.cannot_write", [signature.out ?? partial])
            }
            sink = file
        } else {
            try await app.auditCLI("export", object: "register", kind.rawValue, detail: detail(nil))
            sink = FileHandle.standardOutput
        }
        var bytes = 0
        let rows: Int?
        do {
            if kind == .boundaries {
                let text = try await exporter.geojson(in: scope)
                try sink.write(contentsOf: Data(text.utf8))
                bytes = text.utf8.count
                rows = nil
            } else {
                // The command line runs as the operator of the machine; it exports as an operator would.
                // A bar with the rows to go where they are counted (households, residents), a count otherwise.
                let total = try await exporter.count(kind, in: scope)
                let bar = ProgressBar(L10n.t("export.progress", kind.rawValue))
                rows = try await exporter.stream(kind, in: scope, role: .operator_, reveal: signature.unmasked) { n in
                    bar.update(n, max(total ?? n, n))
                } write: { chunk in
                    let data = Data(chunk.utf8)
                    try sink.write(contentsOf: data)
                    bytes += data.count
                }
            }
            guard let out = signature.out else { return }
            try sink.close()
            guard let partial else { return }
            try await app.auditCLI("export", object: "register", kind.rawValue, detail: detail(rows))
            if FileManager.default.fileExists(atPath: out) { try FileManager.default.removeItem(atPath: out) }
            try FileManager.default.moveItem(atPath: partial, toPath: out)
            context.console.print("\(bytes) bytes → \(out)")
        } catch {
            if let partial { try? FileManager.default.removeItem(atPath: partial) }
            throw error
        }
    }
}

/// `wangge coverage`: the "格不漏户、户不漏人" audit; exits 1 when anything is missing.
struct CoverageCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "unit", help: "Only this unit's subtree (its code)")
        var unit: String?
        @Flag(name: "json", help: "Print the report as JSON")
        var json: Bool
    }

    var help: String { "Audit coverage: households with no grid, residents with no household, buildings outside grids, grids without a full team" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let report = try await CoverageRepository(app.db).report(in: try await commandScope(app, unitCode: signature.unit))
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            FileHandle.standardOutput.write(try encoder.encode(report))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            let t = report.totals
            context.console.print("\(L10n.t("stat.grids")) \(t.grids) · \(L10n.t("stat.buildings")) \(t.buildings) · \(L10n.t("stat.households")) \(t.households) · \(L10n.t("stat.residents")) \(t.residents)")
            let sections: [(String, [CoverageReport.Item], Int)] = [
                ("coverage.households_unplaced", report.householdsWithoutGrid, report.householdsWithoutGridCount),
                ("coverage.residents_unplaced", report.residentsWithoutHousehold, report.residentsWithoutHouseholdCount),
                ("coverage.buildings_outside", report.buildingsOutsideGrids, report.buildingsOutsideGrids.count),
                ("coverage.grids_no_team", report.gridsWithoutTeam, report.gridsWithoutTeam.count),
                ("coverage.grids_understaffed", report.gridsUnderstaffed, report.gridsUnderstaffed.count),
            ]
            for (key, items, count) in sections {
                context.console.print("\(L10n.t(key)): \(count)")
                for item in items.prefix(20) { context.console.print("  \(item.label)  \(item.detail)") }
                if count > 20 { context.console.print("  … \(L10n.t("coverage.more", count - 20))") }
            }
            context.console.print(L10n.t(report.isComplete ? "coverage.complete" : "coverage.incomplete"))
        }
        if !report.isComplete { throw ExitCode(1) }
    }
}

/// `wangge account create`: makes an account from the command line (the first administrator).
struct AccountCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username") var username: String
        @Option(name: "role", help: Role.allCases.map(\.rawValue).joined(separator: " | ")) var role: String?
        @Option(name: "unit", help: "The unit code the account works in") var unit: String?
        @Option(name: "name", help: "Display name") var name: String?
        @Option(name: "departments", help: "For the department role: the departments it works for, by key, comma separated")
        var departments: String?
    }

    var help: String { "Create an account; the password is read from WANGGE_PASSWORD or standard input, and must be changed at first log-in" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let role = Role(rawValue: signature.role ?? "sys_admin") else {
            throw StoreError(.invalid, "field.not_one_of", [signature.role ?? "", Role.allCases.map(\.rawValue).joined(separator: "/")])
        }
        var unit: UnitRow?
        if let code = signature.unit {
            unit = try await UnitRepository(app.db).find(code: code, in: .everything)
            if unit == nil { throw StoreError(.notFound, "import.unknown_unit", [code]) }
        }
        let departments = (signature.departments ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if role == .department {
            guard !departments.isEmpty else { throw StoreError(.invalid, "admin.departments_required", field: "departments") }
            try await AccountRepository(app.db).checkDepartments(departments)
        }
        let password = ProcessInfo.processInfo.environment["WANGGE_PASSWORD"] ?? readLine(strippingNewline: true) ?? ""
        guard PasswordRules.isStrong(password) else { throw StoreError(.invalid, "account.weak_password") }
        let hash = try await app.password.async.hash(password)
        let account = try await AccountRepository(app.db).create(
            username: signature.username, displayName: signature.name ?? signature.username,
            passwordHash: hash, role: role, unitID: unit?.id, mustChangePassword: true)
        if role == .department { try await AccountRepository(app.db).setDepartments(account.id, departments) }
        context.console.print("\(account.username) · \(L10n.t(role.nameKey))")
    }
}

/// `wangge import-undo BATCH`: rolls an import back as a whole (the batch id is printed by
/// `wangge import` and listed on the import page), refused when a row changed since.
struct ImportUndoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "batch", help: "The import batch's id")
        var batch: String
    }

    var help: String { "Undo an import of buildings, households or residents as a whole, while nobody has changed its rows since" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = UUID(uuidString: signature.batch) else { throw StoreError.notFound("import_batch") }
        let app = context.application
        let restored = try await ImportBatches(app.db).rollback(id, in: .everything, by: "cli", at: Date())
        try await app.auditCLI("import.undo", object: "import_batch", id.uuidString, detail: AuditDetail(["rows": "\(restored)", "via": "cli"]).text)
        context.console.print(L10n.t("import.undo.done", restored))
    }
}
