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

    public func csv(_ kind: ImportKind, in scope: Scope, role: Role, reveal: Bool, progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Data {
        let showFull = reveal && role.mayUnmask
        var writer = CSVWriter(header: ImportColumns.of(kind).map(\.header))
        let grids = Dictionary(uniqueKeysWithValues: try await UnitRepository(db).all(in: .everything, level: .grid).map { ($0.id, $0.code) })
        switch kind {
        case .buildings:
            for b in try await PlaceRepository(db).buildings(inGrid: nil, limit: Int.max, in: scope) {
                writer.append([
                    CSVWriter.textCell(b.code), b.name, b.address, L10n.t("building.\(b.kind)"), b.floors.map(String.init) ?? "",
                    String(b.lon), String(b.lat), CSVWriter.textCell(b.unitID.flatMap { grids[$0] } ?? ""),
                ])
            }
        case .households:
            struct H: Decodable { var number: String; var address: String; var code: String?; var room: String?; var unit_id: UUID?; var kind: String }
            let rows = try await sql.raw(
                """
                SELECT h.number, h.address, b.code, h.room, h.unit_id, h.kind FROM households h LEFT JOIN buildings b ON b.id = h.building_id \
                WHERE \(scope.condition("h.unit_id")) ORDER BY h.number
                """
            ).all(decoding: H.self)
            for h in rows {
                writer.append([
                    CSVWriter.textCell(h.number), h.address, CSVWriter.textCell(h.code ?? ""), h.room ?? "", CSVWriter.textCell(h.unit_id.flatMap { grids[$0] } ?? ""),
                    L10n.t("household.\(h.kind)"),
                ])
            }
        case .residents:
            let people = ResidentRepository(db, cipher: cipher)
            let tagNames = Dictionary(uniqueKeysWithValues: try await people.allTags().map { ($0.key, $0.nameZh) })
            var done = 0
            var last: ResidentRow?
            while true {
                let page = try await people.page(after: last, in: scope)
                guard let end = page.last else { break }
                last = end
                for r in try await people.views(page, role: role, reveal: showFull) {
                    writer.append([
                        r.name, r.idNumber.map(CSVWriter.textCell) ?? "", r.documentNumber ?? "", r.phone.map(CSVWriter.textCell) ?? "",
                        CSVWriter.textCell(r.householdNumber ?? ""), r.relation.map { L10n.t("relation.\($0)") } ?? "", L10n.t("residence.\(r.residenceType)"),
                        r.tags.compactMap { tagNames[$0] }.joined(separator: "、"),
                    ])
                }
                done += page.count
                progress(done)
            }
        case .boundaries:
            throw StoreError(.invalid, "export.use_geojson")
        }
        return writer.data
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
