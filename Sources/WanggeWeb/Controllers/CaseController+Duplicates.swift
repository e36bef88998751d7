import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Duplicates and merging on the case screens (C6); the pages are `CaseDuplicatePages`.
extension CaseController {
    /// The staff case page's part: where a merged case went, likely duplicates while the case is
    /// reported or accepted (with merge forms for a role that may merge), and the reports merged
    /// into this one. Everything is read within the viewer's scope.
    static func duplicatesSection(_ req: Request, _ w: Worker, _ row: CaseRow, mayMerge: Bool) async throws -> HTML {
        let repo = repo(req)
        var mergedInto: CaseRow?
        if row.state == .merged, let id = row.mergedInto.flatMap(UUID.init(uuidString:)) { mergedInto = try await repo.find(id, in: w.viewer.scope) }
        var suggestions: [SuggestedDuplicate]?
        if row.state == .reported || row.state == .accepted { suggestions = try await repo.duplicates(of: row, in: w.viewer.scope) }
        let model = CaseDuplicatePages.Model(
            row: row, mergedInto: mergedInto, suggestions: suggestions, mayMerge: mayMerge,
            merged: try await repo.mergedReports(into: row.id, in: w.viewer.scope))
        return CaseDuplicatePages.staff(model, names: try await names(req), csrf: CSRF.token(req))
    }

    /// On a merged report's tracking page: the progress of the case it was merged into.
    static func mergedTracking(_ req: Request, _ row: CaseRow) async throws -> HTML {
        guard row.state == .merged else { return .empty }
        let repo = repo(req)
        guard let target = try await repo.mergeRoot(of: row) else { return .empty }
        return CaseDuplicatePages.tracking(
            row, target: target, timeline: try await repo.timeline(target.id), names: try await names(req),
            photos: try await repo.attachmentCounts(of: target.id, in: .everything), csrf: CSRF.token(req))
    }
}
