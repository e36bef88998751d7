import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Unit boundaries from a GeoJSON FeatureCollection whose features carry the unit's code
/// in a `code` (or `编码`) property.
struct BoundaryImport {
    let db: any Database
    let scope: Scope

    func run(_ data: Data) async throws -> ImportResult {
        let (features, parseProblems) = GeoJSON.parseReport(data)
        var problems = parseProblems.map { ImportProblem(row: $0.feature, column: nil, message: $0.message()) }
        let units = UnitRepository(db)
        var updates: [(UUID, GeoArea)] = []
        for feature in features {
            let i = feature.number - 1
            let code = feature.properties["code"] ?? feature.properties["编码"] ?? feature.properties["网格编码"] ?? ""
            guard !code.isEmpty else { problems.append(ImportProblem(row: i + 1, column: "code", message: L10n.t("field.required"))); continue }
            guard let area = feature.area else { problems.append(ImportProblem(row: i + 1, column: "geometry", message: L10n.t("geo.not_area"))); continue }
            guard let unit = try await units.find(code: code, in: scope) else {
                problems.append(ImportProblem(row: i + 1, column: "code", message: L10n.t("import.unknown_unit", code))); continue
            }
            updates.append((unit.id, area))
        }
        if features.isEmpty && problems.isEmpty { problems.append(ImportProblem(row: nil, column: nil, message: L10n.t("import.empty"))) }
        guard problems.isEmpty else { throw ImportFailure(problems: problems) }
        let batch = updates
        try await db.transaction { tx in
            let repo = UnitRepository(tx)
            for (id, area) in batch { _ = try await repo.update(id, name: nil, boundary: .some(area), actor: "import", in: scope) }
        }
        return ImportResult(kind: .boundaries, inserted: 0, updated: updates.count, encoding: "")
    }
}
