import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Openness for staff (阳光运行): a unit's power list at /units/{id}/powers with each item's page,
/// a community's task admission at /units/{id}/tasks (准入制), its major decisions at
/// /units/{id}/decisions (四议两公开) and its notices at /units/{id}/notices. Scoped in storage (a
/// unit outside the viewer's part of the tree is 404); every write is audited.
enum OpennessController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.powers(UUID()).pattern, use: powers)
        pages.post(SiteURL.powers(UUID()).pattern, use: addPower)
        pages.get(SiteURL.power(UUID()).pattern, use: power)
        pages.post(SiteURL.power(UUID()).pattern, use: editPower)
        pages.post(SiteURL.powerDelete(UUID()).pattern, use: deletePower)
        pages.get(SiteURL.tasks(UUID()).pattern, use: tasks)
        pages.post(SiteURL.tasks(UUID()).pattern, use: submitTask)
        pages.post(SiteURL.taskReview(UUID()).pattern, use: reviewTask)
        pages.get(SiteURL.decisions(UUID()).pattern, use: decisions)
        pages.post(SiteURL.decisions(UUID()).pattern, use: propose)
        pages.post(SiteURL.decisionStep(UUID()).pattern, use: step)
        pages.get(SiteURL.notices(UUID()).pattern, use: notices)
        pages.on(.POST, SiteURL.notices(UUID()).pattern, body: .collect(maxSize: "6mb"), use: publishNotice)
        pages.post(SiteURL.casePowerTag(UUID()).pattern, use: tagCaseStep)
    }

    static func id(_ req: Request, _ what: String) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(what) }
        return id
    }

    static func today(_ req: Request) -> String { SimpleDate(req.now).description }

    // MARK: Power list

    struct PowerForm: Content {
        var category: String?
        var title: String?
        var legal_basis: String?
        var responsible_role: String?
        var steps: String?
        var materials: String?
        var time_limit_days: String?
        var risk_points: String?

        var draft: PowerItemDraft {
            PowerItemDraft(
                category: category ?? "", title: title ?? "", legalBasis: legal_basis ?? "", responsibleRole: responsible_role ?? "",
                steps: (steps ?? "").split(whereSeparator: \.isNewline).map(String.init), materials: materials ?? "", timeLimitDays: time_limit_days ?? "",
                riskPoints: risk_points ?? "")
        }

        var values: [String: String] {
            [
                "category": category ?? "", "title": title ?? "", "legal_basis": legal_basis ?? "", "responsible_role": responsible_role ?? "",
                "steps": steps ?? "", "materials": materials ?? "", "time_limit_days": time_limit_days ?? "", "risk_points": risk_points ?? "",
            ]
        }
    }

    static func powers(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await powersPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func powersPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        let repo = PowerListRepository(req.db)
        let untagged = unit.level == .community ? try await DecisionRepository(req.db).decisions(of: unit.id, untaggedOnly: true, in: v.scope) : []
        let body = OpennessPages.powers(
            unit: unit, items: try await repo.items(of: unit.id, in: v.scope), catalogue: try await repo.catalogue(above: unit), untagged: untagged,
            canEdit: v.role.keepsOpenness && PowerListRepository.levels.contains(unit.level), form: form, csrf: CSRF.token(req),
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("power.title", unit.name), status: status)
    }

    static func addPower(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(PowerForm.self)
        do {
            let row = try await req.audited("power.add", object: "power_item") { db in
                try await PowerListRepository(db).save(form.draft, to: try id(req, "unit"), by: v.account.displayName, at: req.now, in: v.scope)
            } entry: { row in
                (row.id.uuidString, AuditDetail(["unit": row.unitID.uuidString, "title": row.title]).text)
            }
            return LogController.done(req, "power.saved", to: .power(row.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await powersPage(req, v, form: LogController.refused(e, values: form.values), status: .unprocessableEntity)
        }
    }

    static func power(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await powerPage(req, v, form: nil, status: .ok)
    }

    static func powerPage(_ req: Request, _ v: Viewer, form: LogPages.Form?, status: HTTPStatus) async throws -> Response {
        let row = try await PowerListRepository(req.db).get(try id(req, "power_item"), in: v.scope)
        let unit = try await UnitRepository(req.db).get(row.unitID, in: v.scope)
        let values = form ?? LogPages.Form(values: PowerForm(row.draft).values)
        let body = OpennessPages.power(
            row, unit: unit, canEdit: v.role.keepsOpenness, form: values, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: row.title, status: status)
    }

    static func editPower(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(PowerForm.self)
        let repo = PowerListRepository(req.db)
        let old = try await repo.get(try id(req, "power_item"), in: v.scope)
        do {
            let row = try await req.audited("power.edit", object: "power_item") { db in
                try await PowerListRepository(db).save(form.draft, id: old.id, to: old.unitID, by: v.account.displayName, at: req.now, in: v.scope)
            } entry: { row in
                (row.id.uuidString, AuditDetail(["unit": row.unitID.uuidString, "title": row.title]).text)
            }
            return LogController.done(req, "power.saved", to: .power(row.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await powerPage(req, v, form: LogController.refused(e, values: form.values), status: .unprocessableEntity)
        }
    }

    static func deletePower(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let row = try await req.audited("power.delete", object: "power_item") { db in
            try await PowerListRepository(db).delete(try id(req, "power_item"), in: v.scope)
        } entry: { row in
            (row.id.uuidString, AuditDetail(["unit": row.unitID.uuidString, "title": row.title]).text)
        }
        return LogController.done(req, "power.deleted", to: .powers(row.unitID))
    }

    // MARK: Task admission

    static func tasks(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await tasksPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func tasksPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        let repo = FourListRepository(req.db)
        let state = req.method == .GET ? req.query[String.self, at: "state"].flatMap(AdmissionState.init(rawValue:)) : nil
        let items = unit.level == .community ? try await repo.items(of: unit.id, in: v.scope) : []
        let body = OpennessPages.tasks(
            unit: unit, counts: try await repo.counts(under: unit.id, in: v.scope), tasks: try await repo.tasks(under: unit.id, state: state, in: v.scope),
            queue: try await repo.tasks(under: unit.id, state: .admitted, limit: 20, in: v.scope), items: items, state: state,
            canSubmit: v.role.submitsTasks && unit.level == .community, canReview: v.role.reviewsTasks, form: form, csrf: CSRF.token(req),
            notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("admission.title", unit.name), status: status)
    }

    struct TaskForm: Content {
        var title: String?
        var detail: String?
        var list_item: String?
    }

    static func submitTask(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.submitsTasks)
        let form = try req.content.decode(TaskForm.self)
        let values = ["title": form.title ?? "", "detail": form.detail ?? "", "list_item": form.list_item ?? ""]
        do {
            let item = try optionalUUID(form.list_item, field: "list_item")
            let actor = CaseActor(id: v.account.id, name: v.account.displayName, role: .department)
            let task = try await req.audited("task.submit", object: "admission_task") { db in
                try await FourListRepository(db).submit(
                    TaskDraft(title: form.title ?? "", detail: form.detail ?? "", listItemID: item), to: try id(req, "unit"), department: v.account.displayName,
                    by: actor, at: req.now, in: v.scope)
            } entry: { task in
                (task.id.uuidString, AuditDetail(["unit": task.unitID.uuidString]).text)
            }
            return LogController.done(req, "admission.saved", to: .tasks(task.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            return try await tasksPage(req, v, form: LogController.refused(e, values: values), status: .unprocessableEntity)
        }
    }

    static func optionalUUID(_ raw: String?, field: String) throws -> UUID? {
        guard let raw = raw?.trimmedOrNil else { return nil }
        guard let id = UUID(uuidString: raw) else { throw StoreError(.invalid, "admission.unknown_item", field: field) }
        return id
    }

    struct ReviewForm: Content {
        var decision: String?
        var list_item: String?
        var reason: String?
        var basis: String?
    }

    static func reviewTask(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.reviewsTasks)
        let form = try req.content.decode(ReviewForm.self)
        let repo = FourListRepository(req.db)
        let task = try await repo.get(try id(req, "task"), in: v.scope)
        do {
            let done = try await OpennessAPI.review(
                req, v, task: task.id, decision: form.decision, listItem: try optionalUUID(form.list_item, field: "list_item"), reason: form.reason, basis: form.basis)
            return LogController.done(req, "admission.reviewed", to: .tasks(done.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            req.parameters.set("id", to: task.unitID.uuidString)
            var form = LogPages.Form(values: ["reason": form.reason ?? "", "basis": form.basis ?? ""], problems: [:])
            form.problems["task:" + task.id.uuidString] = e.message()
            return try await tasksPage(req, v, form: form, status: .unprocessableEntity)
        }
    }

    // MARK: Major decisions

    static func decisions(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await decisionsPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func decisionsPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        guard unit.level == .community else { throw StoreError.notFound("unit") }
        let powers = PowerListRepository(req.db)
        let usable = try await powers.items(of: unit.id, in: v.scope) + (try await powers.catalogue(above: unit))
        let body = OpennessPages.decisions(
            unit: unit, decisions: try await DecisionRepository(req.db).decisions(of: unit.id, in: v.scope), powers: usable,
            canRun: v.role.keepsOpenness, form: form, today: today(req), csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("decision.title"), status: status)
    }

    struct ProposalForm: Content {
        var title: String?
        var proposal: String?
        var power_item: String?
    }

    static func propose(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(ProposalForm.self)
        do {
            let d = try await req.audited("decision.propose", object: "major_decision") { db in
                try await DecisionRepository(db).propose(
                    title: form.title ?? "", proposal: form.proposal ?? "", powerItemID: try optionalUUID(form.power_item, field: "power_item"),
                    to: try id(req, "unit"), on: today(req), at: req.now, in: v.scope)
            } entry: { d in
                (d.id.uuidString, AuditDetail(["unit": d.unitID.uuidString]).text)
            }
            return LogController.done(req, "decision.saved", to: .decisions(d.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            let values = ["title": form.title ?? "", "proposal": form.proposal ?? "", "power_item": form.power_item ?? ""]
            return try await decisionsPage(req, v, form: LogController.refused(e, values: values), status: .unprocessableEntity)
        }
    }

    struct StepForm: Content {
        var text: String?
        var kind: String?
        var held_on: String?
        var eligible: String?
        var present: String?
        var approve: String?
        var oppose: String?
        var abstain: String?
    }

    static func count(_ raw: String?, _ field: String) throws -> Int {
        guard let n = Int((raw ?? "").trimmingCharacters(in: .whitespaces)), n >= 0, n <= 1_000_000 else {
            throw StoreError(.invalid, "decision.votes_range", field: field)
        }
        return n
    }

    static func step(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(StepForm.self)
        let repo = DecisionRepository(req.db)
        let decision = try await repo.get(try id(req, "decision"), in: v.scope)
        do {
            let text = form.text ?? ""
            let step: DecisionStep
            switch decision.stage {
            case .proposed: step = .consult(note: text)
            case .consulted, .partyReviewed:
                let vote = MeetingVote(
                    eligible: try count(form.eligible, "eligible"), present: try count(form.present, "present"), approve: try count(form.approve, "approve"),
                    oppose: try count(form.oppose, "oppose"), abstain: try count(form.abstain, "abstain"))
                if decision.stage == .consulted {
                    step = .partyMeeting(vote)
                } else {
                    guard let kind = MeetingKind(rawValue: form.kind ?? "") else { throw StoreError(.invalid, "decision.bad_meeting", field: "kind") }
                    step = .residentsMeeting(kind, vote)
                }
            case .resolved: step = .publishResolution(text: text)
            case .resolutionPublished: step = .publishResult(text: text)
            case .resultPublished, .rejected: throw StoreError(.conflict, "decision.out_of_order", [L10n.t(decision.stage.nameKey)])
            }
            let day = form.held_on?.trimmedOrNil ?? today(req)
            guard SimpleDate(iso: day) != nil, day <= today(req) else { throw StoreError(.invalid, "log.bad_day", field: "held_on") }
            let chosen = step
            let done = try await req.audited("decision.step", object: "major_decision") { db in
                try await DecisionRepository(db).apply(chosen, to: decision.id, on: day, at: req.now, in: v.scope)
            } entry: { done in
                (done.id.uuidString, AuditDetail(["unit": done.unitID.uuidString, "stage": done.stage.rawValue]).text)
            }
            return LogController.done(req, "decision.step_saved", to: .decisions(done.unitID))
        } catch let e as StoreError where e.kind == .invalid {
            req.parameters.set("id", to: decision.unitID.uuidString)
            var values = LogPages.Form(values: [:], problems: [:])
            values.problems["decision:" + decision.id.uuidString] = e.message()
            return try await decisionsPage(req, v, form: values, status: .unprocessableEntity)
        }
    }

    // MARK: Notices

    static func notices(req: Request) async throws -> Response {
        let v = try req.requireOpennessReader()
        return try await noticesPage(req, v, form: LogPages.Form(), status: .ok)
    }

    static func noticesPage(_ req: Request, _ v: Viewer, form: LogPages.Form, status: HTTPStatus) async throws -> Response {
        let unit = try await UnitRepository(req.db).get(try id(req, "unit"), in: v.scope)
        let reach = NoticeReachRepository(req.db)
        let notices = try await reach.notices(of: unit.id, in: v.scope)
        let targets = v.role.keepsOpenness ? try await NoticeReachController.targetFields(req, v, unit: unit, form: form) : .empty
        let body = OpennessPages.notices(
            unit: unit, list: NoticeReachPages.list(notices, counts: try await reach.counts(of: notices.map(\.id), in: v.scope)), targets: targets,
            canPublish: v.role.keepsOpenness, form: form, today: today(req), csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("notice.title"), status: status)
    }

    struct NoticeForm: Content {
        var title: String?
        var body: String?
        var publish_on: String?
        var expires_on: String?
        var attachment: File?
        var audience: String?
        var building_ids: [String]?
        var care_tag: String?
        var request_key: String?
    }

    static func publishNotice(req: Request) async throws -> Response {
        let v = try req.requireOpenness(\.keepsOpenness)
        let form = try req.content.decode(NoticeForm.self)
        let values = [
            "title": form.title ?? "", "body": form.body ?? "", "publish_on": form.publish_on ?? "", "expires_on": form.expires_on ?? "",
            "audience": form.audience ?? "", "building_ids": (form.building_ids ?? []).joined(separator: ","), "care_tag": form.care_tag ?? "",
            "request_key": form.request_key ?? "",
        ]
        do {
            let attachment: NoticeAttachment? = form.attachment.flatMap { file in
                file.data.readableBytes > 0
                    ? NoticeAttachment(
                        name: String(file.filename.suffix(100)), contentType: file.contentType?.description ?? "application/octet-stream", data: Data(buffer: file.data))
                    : nil
            }
            let draft = NoticeReachController.Draft(
                title: form.title ?? "", body: form.body ?? "", publishOn: form.publish_on, expiresOn: form.expires_on, attachment: attachment,
                audience: form.audience, buildingIDs: form.building_ids ?? [], careTag: form.care_tag, requestKey: form.request_key)
            let n = try await NoticeReachController.publish(req, v, draft, in: try id(req, "unit"))
            return LogController.done(req, "notice.saved", to: .noticeReach(n.id))
        } catch let e as StoreError where e.kind == .invalid {
            return try await noticesPage(req, v, form: LogController.refused(e, values: values), status: .unprocessableEntity)
        }
    }
}

extension OpennessController {
    // MARK: Case steps

    /// On a case's page: which of its steps exercised which power item, and a form to say so.
    static func caseSection(_ req: Request, _ w: CaseController.Worker, _ row: CaseRow) async throws -> HTML {
        let repo = PowerListRepository(req.db)
        let usable = try await repo.usable(forCase: row.id, in: w.viewer.scope)
        guard !usable.isEmpty else { return .empty }
        return OpennessPages.caseSection(
            row.id, steps: try await CaseController.repo(req).timeline(row.id), tags: try await repo.tags(ofCase: row.id), usable: usable, csrf: CSRF.token(req))
    }

    struct TagForm: Content {
        var step: String?
        var power_item: String?
    }

    static func tagCaseStep(req: Request) async throws -> Response {
        let w = try req.requireCaseWorker()
        let caseID = try id(req, "case")
        let form = try req.content.decode(TagForm.self)
        do {
            guard let step = try optionalUUID(form.step, field: "step") else { throw StoreError(.invalid, "power.unknown_step", field: "step") }
            guard let item = try optionalUUID(form.power_item, field: "power_item") else { throw StoreError(.invalid, "admission.unknown_item", field: "power_item") }
            try await req.audited("case.power_tag", object: "case") { db in
                try await PowerListRepository(db).tag(step: step, ofCase: caseID, with: item, by: w.actor.name, at: req.now, in: w.viewer.scope)
            } entry: { _ in
                (caseID.uuidString, AuditDetail(["step": step.uuidString, "power_item": item.uuidString]).text)
            }
            return LogController.done(req, "power.step_saved", to: .caseDetail(caseID))
        } catch let e as StoreError where e.kind == .invalid {
            req.session.data[SessionKeys.notice] = e.message()
            let res = req.redirect(to: SiteURL.caseDetail(caseID).path, redirectType: .normal)
            res.status = .unprocessableEntity
            return res
        }
    }
}

extension OpennessController.PowerForm {
    init(_ d: PowerItemDraft) {
        self.init(
            category: d.category, title: d.title, legal_basis: d.legalBasis, responsible_role: d.responsibleRole, steps: d.steps.joined(separator: "\n"),
            materials: d.materials, time_limit_days: d.timeLimitDays, risk_points: d.riskPoints)
    }
}
