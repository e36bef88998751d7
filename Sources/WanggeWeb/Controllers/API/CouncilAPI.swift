import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units/{id}/councils`, `/councils/{id}/meetings`, `/units/{id}/proposals`,
/// `/proposals/{id}` and `/proposals/{id}/steps`: residents' councils for a phone or an office's own
/// system, read as the council pages read them (outside the caller's part of the tree is 404), and a
/// proposal's staff steps through the same repository call as the page, audited in its transaction.
enum CouncilAPI {
    /// A staff step on a proposal, with the page form's field names (`meeting`, `vote_unit`, the
    /// council's counts …); only those of the chosen `action` are read.
    struct StepBody: Content {
        var action: String
        var meeting: UUID?
        var reason: String?
        var voteUnit: String?
        var mode: String?
        var adopted: Bool?
        var department: String?
        var decision: UUID?
        var reasons: String?
        var note: String?
        var eligible: Int?
        var present: Int?
        var approve: Int?
        var oppose: Int?
        var abstain: Int?

        var form: CouncilController.StepForm {
            CouncilController.StepForm(
                action: action, meeting: meeting?.uuidString, reason: reason, vote_unit: voteUnit, mode: mode, adopted: adopted.map { $0 ? "yes" : "no" },
                department: department, decision: decision?.uuidString, reasons: reasons, note: note, eligible: eligible.map(String.init),
                present: present.map(String.init), approve: approve.map(String.init), oppose: oppose.map(String.init), abstain: abstain.map(String.init))
        }
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "councils") { req async throws -> [Council] in
            let v = try req.requireOpennessReader()
            let (limit, offset) = try req.pageWindow(default: 50)
            return try await CouncilRepository(req.db).councils(under: try req.id(), limit: limit, offset: offset, in: v.scope)
        }
        api.get("councils", ":id", "meetings") { req async throws -> [CouncilMeeting] in
            let v = try req.requireOpennessReader()
            let (limit, offset) = try req.pageWindow(default: 50)
            let repo = CouncilRepository(req.db)
            return try await repo.meetings(of: try await repo.council(try req.id(), in: v.scope), limit: limit, offset: offset)
        }
        api.get("units", ":id", "proposals") { req async throws -> [CouncilProposal] in
            let v = try req.requireOpennessReader()
            let state = try req.queryValue("state", as: ProposalState.self)
            let (limit, offset) = try req.pageWindow(default: 50)
            return try await ProposalRepository(req.db).proposals(under: try req.id(), state: state, limit: limit, offset: offset, in: v.scope)
        }
        api.get("proposals", ":id") { req async throws -> CouncilProposal in
            let v = try req.requireOpennessReader()
            return try await ProposalRepository(req.db).get(try req.id(), in: v.scope)
        }
        api.post("proposals", ":id", "steps") { req async throws -> CouncilProposal in
            let v = try req.requireOpenness(\.keepsOpenness)
            let body = try req.content.decode(StepBody.self)
            let p = try await ProposalRepository(req.db).get(try req.id(), in: v.scope)
            let step = try CouncilController.step(of: body.form)
            let (who, today, now) = (v.account.displayName, OpennessController.today(req), req.now)
            return try await req.audited("proposal.step", object: "council_proposal") { db in
                try await ProposalRepository(db).apply(step, to: p.id, by: who, on: today, at: now, in: v.scope)
            } entry: { done in
                (done.id.uuidString, AuditDetail(["unit": done.unitID.uuidString, "state": done.state.rawValue]).text)
            }
        }
    }
}

extension Council: Content {}
extension CouncilMeeting: Content {}
extension CouncilProposal: Content {}
