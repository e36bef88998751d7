import Fluent
import SQLKit
import Vapor
import WanggeCore
import WanggeStore

/// One queued write from a phone.
struct SyncItem: Content {
    var clientId: String
    var deviceSeq: Int64?
    var kind: String
    /// The server version of the record the change started from (resident changes).
    var baseVersion: Int64?
    var body: SyncItemBody
}

/// The body of a queued write: the fields of whichever kind it is.
struct SyncItemBody: Content {
    // visit
    var householdId: UUID?
    var draftId: UUID?
    var day: String?
    var seen: String?
    var met: [UUID]?
    var needs: [String]?
    var changes: [VisitChange]?
    var photos: [SyncPhoto]?
    // need, log
    var gridId: UUID?
    var text: String?
    var householdNumber: String?
    var category: String?
    var place: String?
    // resident
    var residentId: UUID?
    var edits: [FieldEdit]?
    /// Copied from the item when it is held, so the body alone can be applied later.
    var baseVersion: Int64?
    // case
    var title: String?
    var description: String?
    var address: String?
    var lon: Double?
    var lat: Double?
}

/// A photo of a queued write: uploaded ahead in chunks (`upload_id`, the way the app sends them) or
/// inline as base64 (`data`).
struct SyncPhoto: Content {
    var name: String?
    var data: String?
    var uploadId: UUID?
}

/// Applies a batch of queued writes from one device: each exactly once (a receipt per client id
/// answers every later copy), each device's writes in `device_seq` order (later ones are held until
/// the gap is filled), and each refusal recorded with its reason for the phone to show.
struct SyncPush {
    enum Kind: String, CaseIterable {
        case visit, need, log, resident
        case caseReport = "case"
    }

    static let maxItems = 200
    static let maxClientID = 64

    let req: Request
    let device: SyncDevice
    let worker: CaseController.Worker
    let version: Int

    var repo: SyncRepository { SyncRepository(req.db, cipher: req.keys.cipher) }

    struct TurnTaken: Error {}

    func run(_ items: [SyncItem]) async throws -> [SyncResult] {
        guard items.count <= Self.maxItems else { throw StoreError(.invalid, "sync.too_many", [String(Self.maxItems)], field: "items") }
        var answers: [String: SyncResult] = [:]
        var unordered: [SyncReceipt] = []
        for item in items {
            if let problem = check(item) {
                answers[item.clientId] = problem
                continue
            }
            if let found = try await repo.receipt(item.clientId) {
                // A held write may be applied by this very batch: answered after it. One without a
                // device order (the previous protocol) whose first try broke off is applied now.
                if found.status == .held, found.deviceID == device.id, found.deviceSeq == 0 { unordered.append(found) }
                if found.status != .held || found.deviceID != device.id { answers[item.clientId] = try await answer(found) }
                continue
            }
            var stored = item.body
            stored.baseVersion = item.baseVersion ?? item.body.baseVersion
            let body = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
            let seq = version >= 2 ? item.deviceSeq ?? 0 : 0
            if try await repo.hold(clientID: item.clientId, device: device.id, seq: seq, kind: item.kind, body: body, now: req.now), seq == 0,
                let held = try await repo.receipt(item.clientId)
            {
                unordered.append(held)
            }
        }
        // The previous protocol had no device order: its writes apply as they come.
        for r in unordered { try await apply(r, turn: nil) }
        try await drain()
        for item in items where answers[item.clientId] == nil {
            if let found = try await repo.receipt(item.clientId) { answers[item.clientId] = try await answer(found) }
        }
        return items.compactMap { answers[$0.clientId] }
    }

    /// A receipt's answer; another account's client id is not theirs to see.
    func answer(_ r: SyncReceipt) async throws -> SyncResult {
        if r.deviceID != device.id, try await repo.anyDevice(r.deviceID)?.accountID != device.accountID {
            return SyncResult(clientId: r.result.clientId, status: .refused, reason: L10n.t("sync.client_id_taken"), field: "client_id")
        }
        return r.result
    }

    func check(_ item: SyncItem) -> SyncResult? {
        func refuse(_ key: String, _ field: String) -> SyncResult { SyncResult(clientId: item.clientId, status: .refused, reason: L10n.t(key), field: field) }
        let id = item.clientId
        guard !id.isEmpty, id.count <= Self.maxClientID, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return refuse("sync.bad_client_id", "client_id")
        }
        guard Kind(rawValue: item.kind) != nil else { return refuse("sync.bad_kind", "kind") }
        if version >= 2, (item.deviceSeq ?? 0) < 1 { return refuse("sync.bad_seq", "device_seq") }
        return nil
    }

    /// Applies the device's held writes whose turn has come, in order.
    func drain() async throws {
        guard let current = try await repo.device(device.id, account: device.accountID) else { return }
        let held = try await repo.held(device: device.id).filter { $0.deviceSeq > 0 }
        // A second write under a number already applied can never take its turn: it is refused, not held for ever.
        for r in held where r.deviceSeq <= current.appliedSeq {
            try await SyncRepository.settle(
                SyncResult(clientId: r.clientID, status: .refused, reason: L10n.t("sync.seq_reused", String(r.deviceSeq)), field: "device_seq"), on: req.db,
                now: req.now)
        }
        let admission = DeviceOrder.admit(applied: current.appliedSeq, held: held.map(\.deviceSeq), arriving: [])
        let bySeq = Dictionary(held.map { ($0.deviceSeq, $0) }, uniquingKeysWith: { a, _ in a })
        for seq in admission.apply {
            guard let r = bySeq[seq] else { break }
            do { try await apply(r, turn: seq) } catch is TurnTaken { return }
        }
    }

    /// Applies one write and settles its receipt in one transaction (with the device's turn, when
    /// ordered). A refusal rolls the write back and is settled on its own.
    func apply(_ r: SyncReceipt, turn: Int64?) async throws {
        let body = try JSONDecoder().decode(SyncItemBody.self, from: Data((r.body ?? "{}").utf8))
        let kind = Kind(rawValue: r.kind) ?? .log
        let device = self.device.id
        do {
            if kind == .caseReport {
                let result = try await openCase(body, clientID: r.clientID)
                try await req.db.transaction { tx in
                    if let turn { guard try await SyncRepository.takeTurn(device: device, seq: turn, on: tx) else { throw TurnTaken() } }
                    try await SyncRepository.settle(result, on: tx, now: req.now)
                }
                return
            }
            try await req.db.transaction { tx in
                if let turn { guard try await SyncRepository.takeTurn(device: device, seq: turn, on: tx) else { throw TurnTaken() } }
                let result = try await perform(kind, body, clientID: r.clientID, on: tx)
                try await SyncRepository.settle(result, on: tx, now: req.now)
            }
        } catch let e as TurnTaken {
            throw e
        } catch {
            guard let refusal = Self.refusal(error, clientID: r.clientID) else { throw error }
            try await req.db.transaction { tx in
                if let turn { guard try await SyncRepository.takeTurn(device: device, seq: turn, on: tx) else { throw TurnTaken() } }
                try await SyncRepository.settle(refusal, on: tx, now: req.now)
            }
        }
    }

    /// The reason a write is refused, for errors that are the write's fault (not the server's).
    static func refusal(_ error: any Error, clientID: String) -> SyncResult? {
        switch error {
        case let e as StoreError: return SyncResult(clientId: clientID, status: .refused, reason: e.message(), field: e.field)
        case let e as ValidationFailure:
            return SyncResult(
                clientId: clientID, status: .refused, reason: e.problems.map { $0.message() }.joined(separator: "；"), field: e.problems.first?.field)
        case let e as BadText: return SyncResult(clientId: clientID, status: .refused, reason: e.reason, field: e.field)
        case let e as any AbortError where (400..<500).contains(Int(e.status.code)):
            return SyncResult(clientId: clientID, status: .refused, reason: e.reason)
        case is DecodingError: return SyncResult(clientId: clientID, status: .refused, reason: L10n.t("api.not_json"), field: "body")
        default: return nil
        }
    }

    func grid(_ body: SyncItemBody) throws -> UUID {
        guard let id = body.gridId ?? device.unitID ?? worker.viewer.account.unitID else { throw StoreError(.invalid, "field.required", field: "body.grid_id") }
        return id
    }

    func perform(_ kind: Kind, _ body: SyncItemBody, clientID: String, on tx: any Database) async throws -> SyncResult {
        let scope = worker.viewer.scope
        let cipher = req.keys.cipher
        switch kind {
        case .visit:
            guard let household = body.householdId else { throw StoreError(.invalid, "field.required", field: "body.household_id") }
            let visitedAt = try RecordedDay.moment(body.day, now: req.now)
            let changes = body.changes ?? []
            guard changes.isEmpty || worker.viewer.role.editsRegister else { throw StoreError(.invalid, "visit.changes_not_allowed", field: "body.changes") }
            let uploads = try await uploads(body.photos)
            let submission = VisitSubmission(
                householdID: household, draftID: body.draftId, clientID: UUID(uuidString: clientID), visitedAt: visitedAt, seen: body.seen ?? "",
                met: body.met ?? [], needs: body.needs ?? [], changes: changes, photos: try CaseRepository.checkPhotos(uploads))
            let outcome = try await VisitRepository(tx, cipher: cipher).submit(submission, by: worker.actor, signer: req.auditSigner, scope: scope, now: req.now)
            if outcome.visit.state == .draft {
                let problems = outcome.visit.problems
                return SyncResult(
                    clientId: clientID, status: .refused, reason: problems.map { $0.message() }.joined(separator: "；"), field: problems.first?.field,
                    recordId: outcome.visit.id, draftId: outcome.visit.id)
            }
            return SyncResult(clientId: clientID, status: .applied, recordId: outcome.visit.id)
        case .need:
            let need = try await NeedRepository(tx).record(
                NeedDraft(text: body.text ?? "", householdNumber: body.householdNumber?.trimmedOrNil, residentID: body.residentId), in: try grid(body),
                by: worker.actor, at: req.now, scope: scope)
            try await audit("need.record", "resident_need", need.id, ["unit": need.unitID.uuidString, "client": clientID], on: tx)
            return SyncResult(clientId: clientID, status: .applied, recordId: need.id)
        case .log:
            let entry = try await SocialLogRepository(tx).add(
                SocialLogDraft(day: body.day, text: body.text ?? "", category: body.category, place: body.place), to: try grid(body), author: worker.actor,
                at: req.now, in: scope)
            try await audit("log.add", "social_log_entry", entry.id, ["unit": entry.unitID.uuidString, "day": entry.day, "client": clientID], on: tx)
            return SyncResult(clientId: clientID, status: .applied, recordId: entry.id)
        case .resident:
            guard let resident = body.residentId else { throw StoreError(.invalid, "field.required", field: "body.resident_id") }
            guard let edits = body.edits, !edits.isEmpty else { throw StoreError(.invalid, "field.required", field: "body.edits") }
            let author = SyncRepository.Author(id: worker.actor.id ?? device.accountID, name: worker.actor.name, device: device.id, clientID: clientID)
            let outcome = try await SyncRepository(tx, cipher: cipher).applyResidentEdits(
                resident, edits, baseVersion: body.baseVersion ?? 0, trustsBase: version >= 2, role: worker.viewer.role, by: author, in: scope, now: req.now)
            if !outcome.applied.isEmpty {
                try await audit("update", "resident", resident, ["changed": outcome.applied.joined(separator: ","), "client": clientID], on: tx)
            }
            for id in outcome.conflicts { try await audit("sync.conflict", "sync_conflict", id, ["resident": resident.uuidString, "client": clientID], on: tx) }
            return SyncResult(
                clientId: clientID, status: outcome.conflicts.isEmpty ? .applied : .conflict, recordId: resident,
                conflicts: outcome.conflicts.isEmpty ? nil : outcome.conflicts)
        case .caseReport:
            throw StoreError(.invalid, "sync.bad_kind", field: "kind")
        }
    }

    /// A case report: opened through the ordinary intake with the client id as its one-time
    /// submission key, so a copy sent again finds the first case instead of making another.
    func openCase(_ body: SyncItemBody, clientID: String) async throws -> SyncResult {
        guard worker.viewer.role.entersCases else { throw StoreError(.invalid, "auth.forbidden", field: "kind") }
        let cases = CaseRepository(req.db, cipher: req.keys.cipher)
        let token = "sync:" + clientID
        if let made = try await cases.caseMade(bySubmission: token) {
            return SyncResult(clientId: clientID, status: .applied, recordId: made.id, code: made.trackingCode)
        }
        guard let category = body.category?.trimmedOrNil else { throw StoreError(.invalid, "field.required", field: "body.category") }
        guard let text = body.description?.trimmedOrNil else { throw StoreError(.invalid, "field.required", field: "body.description") }
        let uploads = try await uploads(body.photos)
        _ = try CaseRepository.checkPhotos(uploads)
        let point = body.lon.flatMap { lon in body.lat.map { GeoPoint(lon: lon, lat: $0) } }
        var intake = CaseIntake(
            categoryKey: category, channel: .gridWorker, title: body.title?.trimmedOrNil ?? String(text.prefix(30)), description: text, point: point,
            address: body.address?.trimmedOrNil, gridID: try grid(body))
        intake.attachments = uploads
        intake.submission = token
        do {
            let row = try await req.openCase(intake, actor: worker.actor, detail: "sync=\(clientID)")
            return SyncResult(clientId: clientID, status: .applied, recordId: row.id, code: row.trackingCode)
        } catch let error as StoreError {
            throw error
        } catch {
            // Two copies raced: the loser's insert failed on the submission key.
            if let made = try await cases.caseMade(bySubmission: token) {
                return SyncResult(clientId: clientID, status: .applied, recordId: made.id, code: made.trackingCode)
            }
            throw error
        }
    }

    /// The photos of a write: each uploaded photo must have arrived whole; checked like every photo.
    func uploads(_ photos: [SyncPhoto]?) async throws -> [AttachmentUpload] {
        var out: [AttachmentUpload] = []
        for p in photos ?? [] {
            let name = p.name ?? "photo"
            if let id = p.uploadId {
                guard let bytes = try await repo.uploadedPhoto(id, device: device.id) else { throw StoreError(.invalid, "sync.photo_incomplete", [name], field: "body.photos") }
                out.append(AttachmentUpload(name: name, bytes: bytes))
            } else {
                guard let bytes = p.data.flatMap({ Data(base64Encoded: $0) }) else { throw StoreError(.invalid, "case.photo.not_image", [name], field: "body.photos") }
                out.append(AttachmentUpload(name: name, bytes: bytes))
            }
        }
        return out
    }

    func audit(_ action: String, _ type: String, _ id: UUID, _ detail: KeyValuePairs<String, String?>, on tx: any Database) async throws {
        let entry = req.auditEntry(action, object: type, id.uuidString, detail: AuditDetail(detail).text)
        guard let sql = tx as? any SQLDatabase else { return }
        _ = try await AuditLog.append([entry], chain: req.keys.audit, on: sql)
    }
}
