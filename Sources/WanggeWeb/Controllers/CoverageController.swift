import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// "格不漏户、户不漏人": what is not yet in the grid tree, for the caller's part of it.
enum CoverageController {
    static func report(req: Request, unit: UUID?) async throws -> (UnitRow?, CoverageReport) {
        let viewer = try req.requireRegisterReader()
        var scope = viewer.scope
        var unitRow: UnitRow?
        if let unit {
            let row = try await UnitRepository(req.db).get(unit, in: viewer.scope)
            scope = .subtree(of: row)
            unitRow = row
        }
        return (unitRow, try await CoverageRepository(req.db).report(in: scope))
    }

    static func show(req: Request) async throws -> Response {
        let (unit, report) = try await report(req: req, unit: req.query[UUID.self, at: "unit"])
        let title = L10n.t("coverage.title") + (unit.map { " · \($0.name)" } ?? "")
        return Layout.response(req, CoveragePage.render(report), title: title)
    }
}
