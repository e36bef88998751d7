import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// Writes the register as CSV that Excel opens cleanly (UTF-8 with BOM), with the same headers
/// the importer reads, so an office can export, correct in Excel and import again. ID numbers
/// and phones are masked unless `reveal` is set by a caller whose role may see them.
public struct RegisterExporter: Sendable, SQLRepository {
    let db: any Database
    let cipher: FieldCipher

    public init(_ db: any Database, cipher: FieldCipher) {
        self.db = db
        self.cipher = cipher
    }

    /// The whole CSV in memory (BOM and header first): for the web's downloads of a part of the tree.
    public func csv(_ kind: ImportKind, in scope: Scope, role: Role, reveal: Bool, progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Data {
        var out = Data()
        _ = try await stream(kind, in: scope, role: role, reveal: reveal, progress: progress) { out.append(contentsOf: $0.utf8) }
        return out
    }

    /// The data rows `stream` would write for households or residents in scope (the audit entry of a
    /// streamed download states it before the first byte leaves); nil for the other kinds.
    public func count(_ kind: ImportKind, in scope: Scope) async throws -> Int? {
        let table: String
        switch kind {
        case .households: table = "households"
        case .residents: table = "residents"
        case .buildings, .boundaries: return nil
        }
        return try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(scope.condition("unit_id"))").first()?.decode(column: "n", as: Int.self)
    }

    /// Writes the CSV through `write` a page at a time (BOM and header first), so a district's million
    /// residents never sit in memory together; households and residents are read by key, never by
    /// OFFSET. Returns the data rows written.
    public func stream(
        _ kind: ImportKind, in scope: Scope, role: Role, reveal: Bool, pageSize: Int = 2000, progress: @escaping @Sendable (Int) -> Void = { _ in },
        write: (String) async throws -> Void
    ) async throws -> Int {
        let showFull = reveal && role.mayUnmask
        try await write("\u{FEFF}" + CSVWriter.line(ImportColumns.of(kind).map(\.header)))
        let grids = Dictionary(uniqueKeysWithValues: try await UnitRepository(db).all(in: .everything, level: .grid).map { ($0.id, $0.code) })
        var done = 0
        func page(_ rows: [[String]]) async throws {
            guard !rows.isEmpty else { return }
            try await write(rows.map(CSVWriter.line).joined())
            done += rows.count
            progress(done)
        }
        switch kind {
        case .buildings:
            try await page(
                try await PlaceRepository(db).buildings(inGrid: nil, limit: Int.max, in: scope).map { b in
                    [
                        CSVWriter.textCell(b.code), b.name, b.address, L10n.t("building.\(b.kind)"), b.floors.map(String.init) ?? "",
                        String(b.lon), String(b.lat), CSVWriter.textCell(b.unitID.flatMap { grids[$0] } ?? ""),
                    ]
                })
        case .households:
            struct H: Decodable { var number: String; var address: String; var code: String?; var room: String?; var unit_id: UUID?; var kind: String }
            var last: String?
            while true {
                let after: SQLQueryString = last.map { "AND h.number > \(bind: $0)" } ?? ""
                let rows = try await sql.raw(
                    """
                    SELECT h.number, h.address, b.code, h.room, h.unit_id, h.kind FROM households h LEFT JOIN buildings b ON b.id = h.building_id \
                    WHERE \(scope.condition("h.unit_id")) \(after) ORDER BY h.number LIMIT \(count: max(1, pageSize))
                    """
                ).all(decoding: H.self)
                guard let end = rows.last else { break }
                last = end.number
                try await page(
                    rows.map { h in
                        [
                            CSVWriter.textCell(h.number), h.address, CSVWriter.textCell(h.code ?? ""), h.room ?? "",
                            CSVWriter.textCell(h.unit_id.flatMap { grids[$0] } ?? ""), L10n.t("household.\(h.kind)"),
                        ]
                    })
            }
        case .residents:
            let people = ResidentRepository(db, cipher: cipher)
            let tags = Dictionary(uniqueKeysWithValues: try await people.allTags().map { ($0.key, $0) })
            // The next page is read while this one is decrypted, masked and written: SQLite's
            // thread and this task each take one of the cores instead of waiting for each other.
            let size = max(1, pageSize)
            var next = Task { try await people.pageRows(after: nil, limit: size, in: scope) }
            defer { next.cancel() }  // an error leaves no read running
            while true {
                let rows = try await next.value
                guard let key = try people.key(after: rows) else { break }
                next = Task { try await people.pageRows(after: key, limit: size, in: scope) }
                try await page(
                    try people.views(ofPage: rows, role: role, reveal: showFull, tags: tags).map { r in
                        [
                            r.name, r.idNumber.map(CSVWriter.textCell) ?? "", r.documentNumber ?? "", r.phone.map(CSVWriter.textCell) ?? "",
                            CSVWriter.textCell(r.householdNumber ?? ""), r.relation.map { L10n.t("relation.\($0)") } ?? "", L10n.t("residence.\(r.residenceType)"),
                            r.tags.compactMap { tags[$0]?.nameZh }.joined(separator: "、"),
                        ]
                    })
            }
        case .boundaries:
            throw StoreError(.invalid, "export.use_geojson")
        }
        return done
    }

    /// Unit boundaries in scope as a GeoJSON FeatureCollection with code, name and level.
    public func geojson(in scope: Scope, level: UnitLevel? = nil) async throws -> String {
        let units = try await UnitRepository(db).all(in: scope, level: level)
        return GeoJSON.featureCollection(
            units.compactMap { u in
                u.area.map { (properties: ["code": u.code, "name": u.name, "level": u.level.rawValue], area: $0) }
            })
    }
}
