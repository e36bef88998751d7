import Fluent
import Vapor
import WanggeCore
import WanggeQR
import WanggeStore

/// A community's residents' council for staff, at /units/{id}/council: its name and public
/// members, its meetings (each with a QR sheet for check-in, the attendance and the minutes) and
/// the residents' proposals, moved through `ProposalMachine`. Scoped in storage (outside the
/// viewer's part of the tree is 404); each write commits with its audit entry.
enum CouncilController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.council(UUID()).pattern, use: show)
        pages.post(SiteURL.council(UUID()).pattern, use: rename)
        pages.post(SiteURL.councilMembers(UUID()).pattern, use: addMember)
        pages.post(SiteURL.councilMemberRemove(UUID()).pattern, use: removeMember)
        pages.post(SiteURL.councilMeetings(UUID()).pattern, use: schedule)
        pages.get(SiteURL.councilMeeting(UUID()).pattern, use: meeting)
        pages.post(SiteURL.councilMinutes(UUID()).pattern, use: minutes)
        pages.post(SiteURL.proposalStep(UUID()).pattern, use: step)
    }

    static func id(_ req: Request, _ what: String) throws -> UUID { try OpennessController.id(req, what) }
    static func today(_ req: Request) -> String { OpennessController.today(req) }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await page(req, v, form: LogPages.Form(), status: .ok)
    }

    static func page(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        guard unit.level == .community else { throw StoreError.notFound("unit") }
        let repo = CouncilRepository(req.db)
        let council = try await repo.council(of: unit.id, in: v.scope)
        var meetings: [CouncilMeeting] = []
        if let council { meetings = try await repo.meetings(of: council) }
        var model = CouncilPages.Model(
            unit: unit, council: council, meetings: meetings,
            proposals: try await ProposalRepository(req.db).proposals(of: unit.id, in: v.scope),
            decisions: v.role.keepsOpenness ? try await DecisionRepository(req.db).decisions(of: unit.id, in: v.scope) : [], canRun: v.role.keepsOpenness, form: form, today: today(req),
            csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        if v.role.keepsOpenness {
            let cases = CaseRepository(req.db, cipher: req.keys.cipher)
            model.categories = try await cases.categories().filter { $0.active && $0.parentKey != nil }.map { ($0.key, $0.nameZh) }
            model.grids = try await UnitRepository(req.db).children(of: unit.id, in: v.scope).filter { $0.level == .grid }.map { ($0.id.uuidString, $0.name) }
        }
        return Layout.response(req, CouncilPages.page(model), title: L10n.t("council.title", unit.name), status: status)
    }

    struct NameForm: Content {
        var name: String?
    }

    static func rename(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(NameForm.self)
        do {
            let c = try await req.audited("council.name", object: "council") { db in
                try await CouncilRepository(db).name(form.name ?? "", of: try id(req, "unit"), at: req.now, in: v.scope)
            } entry: { c in
                (c.id.uuidString, AuditDetail(["unit": c.unitID.uuidString, "name": c.name]).text)
            }
            return LogController.done(req, "council.saved", to: .council(c.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, v, form: LogController.refused(e, values: ["name": form.name ?? ""]), status: .unprocessableEntity)
        }
    }

    struct MemberForm: Content {
        var member_name: String?
        var role: String?
    }

    static func addMember(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(MemberForm.self)
        let unitID = try id(req, "unit")
        do {
            _ = try await req.audited("council.member_add", object: "council_member") { db in
                try await CouncilRepository(db).addMember(CouncilMemberDraft(name: form.member_name ?? "", role: form.role ?? ""), to: unitID, at: req.now, in: v.scope)
            } entry: { m in
                (m.id.uuidString, AuditDetail(["unit": unitID.uuidString, "role": m.role]).text)
            }
            return LogController.done(req, "council.member_added", to: .council(unitID))
        } catch let e as StoreError where e.kind == .invalid {
            // The form calls the member's name `member_name`, apart from the council's own name.
            let field = e.field == "name" ? "member_name" : e.field
            let values = ["member_name": form.member_name ?? "", "role": form.role ?? ""]
            return try await page(req, v, form: LogPages.Form(values: values, problems: [field ?? "member_name": e.message()]), status: .unprocessableEntity)
        }
    }

    static func removeMember(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let removed = try await req.audited("council.member_remove", object: "council_member") { db in
            try await CouncilRepository(db).removeMember(try id(req, "council_member"), in: v.scope)
        } entry: { r in
            (r.member.id.uuidString, AuditDetail(["unit": r.unitID.uuidString, "role": r.member.role]).text)
        }
        return LogController.done(req, "council.member_removed", to: .council(removed.unitID))
    }

    struct MeetingForm: Content {
        var title: String?
        var agenda: String?
        var held_on: String?
        var starts_at: String?
        var place: String?

        var values: [String: String] {
            ["title": title ?? "", "agenda": agenda ?? "", "held_on": held_on ?? "", "starts_at": starts_at ?? "", "place": place ?? ""]
        }
    }

    static func schedule(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(MeetingForm.self)
        let draft = CouncilMeetingDraft(
            title: form.title ?? "", agenda: form.agenda ?? "", heldOn: form.held_on ?? "", startsAt: form.starts_at ?? "", place: form.place ?? "")
        var rng = SystemRandomNumberGenerator()
        let code = CouncilMeetingDraft.checkinCode(using: &rng)
        do {
            let m = try await req.audited("council.meeting_schedule", object: "council_meeting") { db in
                try await CouncilRepository(db).schedule(draft, for: try id(req, "unit"), code: code, at: req.now, in: v.scope)
            } entry: { m in
                (m.id.uuidString, AuditDetail(["unit": m.unitID.uuidString, "held_on": m.heldOn]).text)
            }
            return LogController.done(req, "council.meeting_saved", to: .councilMeeting(m.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await page(req, v, form: LogController.refused(e, values: form.values), status: .unprocessableEntity)
        }
    }

    static func meeting(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await meetingPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func meetingPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let repo = CouncilRepository(req.db)
        let m = try await repo.meeting(try id(req, "meeting"), in: v.scope)
        let unit = try await UnitRepository(req.db).get(m.unitID, in: v.scope)
        let url = ContactCardController.publicBase(req) + SiteURL.portalMeeting(m.id, code: m.checkinCode).path
        let qr = QRCodeSVG.inline(try QRCode(url), title: L10n.t("council.checkin_qr_alt", m.title))
        let body = CouncilPages.meeting(
            m, unit: unit, attendance: try await repo.attendance(of: m), refusals: try await ParticipationRepository(req.db, cipher: req.keys.cipher).refusals(of: m.id),
            qr: qr, checkinURL: url, canRun: v.role.keepsOpenness, form: form, today: today(req), csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: m.title, status: status)
    }

    struct MinutesForm: Content {
        var minutes: String?
    }

    static func minutes(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(MinutesForm.self)
        do {
            let m = try await req.audited("council.minutes", object: "council_meeting") { db in
                try await CouncilRepository(db).recordMinutes(form.minutes ?? "", of: try id(req, "meeting"), today: today(req), at: req.now, in: v.scope)
            } entry: { m in
                (m.id.uuidString, AuditDetail(["unit": m.unitID.uuidString]).text)
            }
            return LogController.done(req, "council.minutes_saved", to: .councilMeeting(m.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await meetingPage(req, v, form: LogController.refused(e, values: ["minutes": form.minutes ?? ""]), status: .unprocessableEntity)
        }
    }

    struct StepForm: Content {
        var action: String?
        var meeting: String?
        var reason: String?
        var vote_unit: String?
        var mode: String?
        var adopted: String?
        var department: String?
        var category: String?
        var grid: String?
        var decision: String?
        var reasons: String?
        var note: String?
        var eligible: String?
        var present: String?
        var approve: String?
        var oppose: String?
        var abstain: String?
    }

    /// The step a form asks for, each field checked and named when wrong.
    static func step(of form: StepForm) throws -> ProposalStep {
        switch form.action ?? "" {
        case "accept":
            guard let meeting = try OpennessController.optionalUUID(form.meeting, field: "meeting") else {
                throw StoreError(.invalid, "proposal.bad_meeting", field: "meeting")
            }
            return .accept(meeting: meeting)
        case "decline": return .decline(reason: form.reason ?? "")
        case "open_poll":
            guard let unit = VoteUnit(rawValue: form.vote_unit ?? "") else { throw StoreError(.invalid, "proposal.bad_vote_unit", field: "vote_unit") }
            return .openPoll(unit)
        case "decide":
            let mode: ProposalDecisionMode
            switch form.mode ?? "" {
            case "council_vote":
                mode = .councilVote(
                    MeetingVote(
                        eligible: try OpennessController.count(form.eligible, "eligible"), present: try OpennessController.count(form.present, "present"),
                        approve: try OpennessController.count(form.approve, "approve"), oppose: try OpennessController.count(form.oppose, "oppose"),
                        abstain: try OpennessController.count(form.abstain, "abstain")))
            case "four_deliberations":
                guard let adopted = ["yes": true, "no": false][form.adopted ?? ""] else { throw StoreError(.invalid, "proposal.bad_adopted", field: "adopted") }
                mode = .fourDeliberations(adopted: adopted, decision: try OpennessController.optionalUUID(form.decision, field: "decision"))
            case "department_case": mode = .departmentCase(department: form.department ?? "")
            default: throw StoreError(.invalid, "proposal.bad_mode", field: "mode")
            }
            return .decide(mode, reasons: form.reasons ?? "")
        case "follow_up": return .followUp(note: form.note ?? "")
        case "complete": return .complete(note: form.note ?? "")
        default: throw StoreError(.invalid, "proposal.bad_action", field: "action")
        }
    }

    /// The case a proposal handed to a department becomes, prepared by the case intake: the
    /// category the operator chose, in a grid of the proposal's community, through the online
    /// channel the proposal came by (网络问政), with the proposal's title and text.
    static func handOverCase(_ req: Request, _ v: Viewer, _ p: CouncilProposal, _ form: StepForm) async throws -> PreparedCase {
        let gridID = try OpennessController.optionalUUID(form.grid, field: "grid")
        guard let gridID, let grid = try await UnitRepository(req.db).find(gridID, in: v.scope), grid.level == .grid, grid.parentID == p.unitID else {
            throw StoreError(.invalid, "proposal.case_grid_required", field: "grid")
        }
        let intake = CaseIntake(
            categoryKey: form.category ?? "", channel: .mailbox, title: String(p.title.prefix(CaseRepository.maxTitle)), description: p.body,
            reporterName: p.proposer, gridID: grid.id)
        let actor = CaseActor(id: v.account.id, name: v.account.displayName, role: ActorRole(v.role) ?? .operator_)
        return try await CaseRepository(req.db, cipher: req.keys.cipher).prepare(intake, actor: actor, at: req.now)
    }

    static func step(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(StepForm.self)
        let p = try await ProposalRepository(req.db).get(try id(req, "proposal"), in: v.scope)
        do {
            let chosen = try step(of: form)
            var handOver: PreparedCase?
            if case .decide(.departmentCase, _) = chosen { handOver = try await handOverCase(req, v, p, form) }
            let prepared = handOver
            let done = try await req.audited(
                { db in
                    try await ProposalRepository(db).apply(chosen, to: p.id, by: v.account.displayName, on: today(req), at: req.now, in: v.scope, handOver: prepared)
                },
                entries: { done in
                    var notes = [AuditNote("proposal.step", object: "council_proposal", done.id.uuidString, detail: AuditDetail(["unit": done.unitID.uuidString, "state": done.state.rawValue]).text)]
                    if let c = prepared {
                        let detail = "code=\(c.row.trackingCode); channel=\(c.row.channel.rawValue); proposal=\(done.id.uuidString)"
                        notes.append(AuditNote("case.report", object: "case", c.row.id.uuidString, detail: detail))
                    }
                    return notes
                })
            return LogController.done(req, "proposal.step_saved", to: .council(done.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            req.parameters.set("id", to: p.unitID.uuidString)
            var values = LogPages.Form(values: [:], problems: [:])
            values.problems["proposal:" + p.id.uuidString] = e.message()
            return try await page(req, v, form: values, status: .unprocessableEntity)
        }
    }
}
