import Vapor
import WanggeCore
import WanggeStore

extension Request {
    /// Turns a patrol finding into a case in one step: opened through the ordinary intake (grid from
    /// the finding's point through the grid locator, routing, deadlines, tracking code, its own audit
    /// entry) on the grid worker's patrol channel, with the finding's category, text, point and
    /// photo, filed under the patrol's grid when the point lies in none. A finding solved on the spot
    /// is then closed with the 现场处置 step, which the category must allow. Claimed first, so two
    /// presses make one case; a finding already a case is answered with it.
    func escalateFinding(_ id: UUID, of patrolID: UUID, by w: CaseController.Worker) async throws -> (finding: PatrolFinding, created: Bool) {
        let patrols = PatrolRepository(db)
        let current = try await patrols.getFinding(id, in: w.viewer.scope)
        guard current.patrolID == patrolID else { throw StoreError.notFound("finding") }
        if current.caseID != nil { return (current, false) }
        let finding = try await patrols.claim(id, in: w.viewer.scope)
        let photo = try await patrols.photo(ofFinding: id, in: w.viewer.scope)
        var intake = CaseIntake(
            categoryKey: finding.categoryKey, channel: .gridWorker, title: String(finding.text.prefix(30)), description: finding.text, point: finding.point,
            address: finding.address, gridID: finding.unitID)
        intake.attachments = photo.map { [$0] } ?? []
        let row: CaseRow
        do {
            row = try await openCase(intake, actor: w.actor, detail: "finding=\(id.uuidString)")
        } catch {
            try? await patrols.release(id)
            throw error
        }
        let recorded = try await patrols.recordCase(id, row, in: w.viewer.scope)
        try await audit(
            "patrol.finding_case", object: "patrol_finding", id.uuidString,
            detail: AuditDetail(["patrol": patrolID.uuidString, "case": row.trackingCode, "grid": row.unitID?.uuidString]).text)
        if finding.onSpot {
            // The worker has just made this case; it may lie in a neighbouring grid (a point across the line), so it is found everywhere.
            let closed = try await CaseController.repo(self).apply(
                .resolveOnSpot(note: L10n.t("patrol.on_spot_note", finding.text)), to: row.id, actor: w.actor, in: .everything, at: now)
            try await audit("case.act", object: "case", row.id.uuidString, detail: "action=\(CaseActionKind.resolveOnSpot.rawValue); state=\(closed.state.rawValue)")
        }
        return (recorded, true)
    }
}
