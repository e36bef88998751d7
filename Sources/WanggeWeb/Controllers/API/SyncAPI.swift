import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The offline phone's API (see README, "离线工作 / Working offline"):
///
/// - `POST /api/v1/sync/devices` — register this phone: `{label, app_version}` → `{device_id, key, protocol}`;
///   the key signs a rescue export and is shown only once;
/// - `GET /api/v1/sync?device=…&cursor=N` — the copy of the worker's grids: everything for cursor 0,
///   then what changed after N (a server-issued sequence, never a time), gzip when asked for;
/// - `POST /api/v1/sync/push` — `{version, device_id, app_version, items: [{client_id, device_seq, kind,
///   base_version, body}]}` → a result per item (`applied`, `conflict`, `held`, `refused` with the reason);
/// - `PUT /api/v1/sync/photos/{upload id}?device=…&offset=N&total=T` — a chunk (≤ 64 KB) of a photo
///   (≤ 300 KB), `GET` the same — how far it got: `{received, total, complete}`; the write then names it
///   as `{"upload_id": …}`;
/// - `POST /api/v1/sync/devices/{id}/retire` — log-out on that phone;
/// - `GET /api/v1/sync/conflicts`, `POST /api/v1/sync/conflicts/{id}` — `{action: keep_mine|keep_server|edit, value}`.
enum SyncAPI {
    struct DeviceBody: Content {
        var label: String?
        var appVersion: String?
    }

    struct Registered: Content {
        var deviceId: UUID
        var key: String
        var `protocol`: Int
        var gridId: UUID?
    }

    struct PushBody: Content {
        var version: Int?
        var deviceId: UUID
        var appVersion: String?
        var items: [SyncItem]
    }

    struct PushAnswer: Content {
        var results: [SyncResult]
        var appliedSeq: Int64
        var `protocol`: Int
    }

    struct DecideBody: Content {
        var action: String
        var value: String?
    }

    static func register(_ api: any RoutesBuilder) {
        let sync = api.grouped("sync")
        sync.post("devices") { req async throws -> Registered in
            let w = try req.requireOfflineWorker()
            let body = try req.content.decode(DeviceBody.self)
            let cipher = req.keys.cipher
            let (device, key) = try await req.audited("sync.device_register", object: "sync_device") { db in
                try await SyncRepository(db, cipher: cipher).register(
                    account: w.viewer.account.id, unit: w.viewer.account.unitID, label: body.label?.trimmedOrNil ?? "phone",
                    appVersion: body.appVersion?.trimmedOrNil ?? "?", now: req.now)
            } entry: { registered in
                (registered.0.id.uuidString, AuditDetail(["app": registered.0.appVersion]).text)
            }
            return Registered(deviceId: device.id, key: key, protocol: SyncProtocol.current, gridId: device.unitID)
        }
        sync.post("devices", ":id", "retire") { req async throws -> HTTPStatus in
            let w = try req.requireOfflineWorker()
            let repo = SyncRepository(req.db, cipher: req.keys.cipher)
            guard let device = try await repo.device(try req.id(), account: w.viewer.account.id) else { throw StoreError.notFound("device") }
            let cipher = req.keys.cipher
            try await req.audited("sync.device_retire", object: "sync_device") { db in
                try await SyncRepository(db, cipher: cipher).retire(device.id, now: req.now)
            } entry: { _ in
                (device.id.uuidString, "")
            }
            return .noContent
        }
        sync.responseCompression(.enable).get { req async throws -> SyncPage in
            let (w, device) = try await requireDevice(req, try req.queryUUID("device"))
            let cursor = try req.queryInteger("cursor", in: 0...Int.max, default: 0)
            guard let unit = device.unitID ?? w.viewer.account.unitID else { throw StoreError(.invalid, "sync.no_grid") }
            let repo = SyncRepository(req.db, cipher: req.keys.cipher)
            try await repo.touch(device.id, appVersion: device.appVersion, now: req.now)
            return try await repo.page(under: unit, after: Int64(cursor), role: w.viewer.role, today: SimpleDate(req.now), in: w.viewer.scope)
        }
        sync.on(.POST, "push", body: .collect(maxSize: "40mb")) { req async throws -> PushAnswer in
            try await push(req)
        }
        sync.get("photos", ":id") { req async throws -> SyncRepository.UploadState in
            let (_, device) = try await requireDevice(req, try req.queryUUID("device"))
            return try await SyncRepository(req.db, cipher: req.keys.cipher).upload(try req.id(), device: device.id)
        }
        sync.on(.PUT, "photos", ":id", body: .collect(maxSize: "128kb")) { req async throws -> SyncRepository.UploadState in
            let (_, device) = try await requireDevice(req, try req.queryUUID("device"))
            let offset = try req.queryInteger("offset", in: 0...SyncRepository.maxPhotoBytes, default: 0)
            let total = try req.queryInteger("total", in: 1...SyncRepository.maxPhotoBytes, default: 1)
            let bytes = req.body.data.map { Data($0.readableBytesView) } ?? Data()
            return try await SyncRepository(req.db, cipher: req.keys.cipher).appendChunk(
                try req.id(), device: device.id, offset: offset, total: total, bytes: bytes, now: req.now)
        }
        sync.get("conflicts") { req async throws -> [SyncConflictRecord] in
            let (v, decider) = try req.requireConflictDecider()
            return try await SyncRepository(req.db, cipher: req.keys.cipher).conflicts(
                author: decider == .worker ? v.account.id : nil, in: v.scope
            ).map { SyncController.shown($0, role: v.role) }
        }
        sync.post("conflicts", ":id") { req async throws -> SyncConflictRecord in
            let body = try req.content.decode(DecideBody.self)
            return try await SyncController.decide(req, try req.id(), action: body.action, value: body.value)
        }
    }

    static func requireDevice(_ req: Request, _ id: UUID?) async throws -> (CaseController.Worker, SyncDevice) {
        let w = try req.requireOfflineWorker()
        guard let id else { throw StoreError(.invalid, "field.required", field: "device") }
        guard let device = try await SyncRepository(req.db, cipher: req.keys.cipher).device(id, account: w.viewer.account.id) else {
            throw StoreError.notFound("device")
        }
        return (w, device)
    }

    static func push(_ req: Request) async throws -> PushAnswer {
        let body = try req.content.decode(PushBody.self)
        let version = body.version ?? 1
        guard SyncProtocol.accepted.contains(version) else {
            throw StoreError(.invalid, "sync.old_protocol", [String(version), String(SyncProtocol.accepted.lowerBound)], field: "version")
        }
        let (w, device) = try await requireDevice(req, body.deviceId)
        let repo = SyncRepository(req.db, cipher: req.keys.cipher)
        try await repo.touch(device.id, appVersion: body.appVersion ?? device.appVersion, now: req.now)
        let results = try await SyncPush(req: req, device: device, worker: w, version: version).run(body.items)
        let applied = try await repo.device(device.id, account: device.accountID)?.appliedSeq ?? device.appliedSeq
        return PushAnswer(results: results, appliedSeq: applied, protocol: SyncProtocol.current)
    }
}

extension SyncPage: Content {}
extension SyncRepository.UploadState: Content {}
extension SyncResult: Content {}
extension SyncConflictRecord: Content {}

extension Request {
    /// Roles that keep an offline copy and queue writes on a phone.
    func requireOfflineWorker() throws -> CaseController.Worker {
        let v = try requireViewer()
        guard v.role.syncsOffline, v.allows(.registerWrite), let role = ActorRole(v.role) else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return .init(viewer: v, actor: CaseActor(id: v.account.id, name: v.account.displayName, role: role))
    }

    /// Roles that decide sync conflicts, and how (their own, or as supervisor).
    func requireConflictDecider() throws -> (Viewer, SyncConflictDecider) {
        let v = try requireViewer()
        guard let decider = v.role.syncConflictDecider else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return (v, decider)
    }
}
