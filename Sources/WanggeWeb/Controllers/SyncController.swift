import Fluent
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// The offline app and what stands behind it for people: the app shell at /app with its service
/// worker and manifest, the conflicts page where a worker or supervisor decides clashes side by
/// side, the supervisor's list of phones silent for days, and the rescue import of a phone's
/// exported queue.
enum SyncController {
    /// The app's version. A new version makes the phone's service worker update (and migrate what is
    /// queued); a deployment may set `WANGGE_APP_BUILD` to roll a new one out without a code change.
    static var appVersion: String { "\(SyncProtocol.current).\(Environment.get("WANGGE_APP_BUILD") ?? "1")" }

    /// Phones silent longer than this are listed: browsers may evict a site's storage after 7 days.
    static let silentAfter: TimeInterval = 3 * 86_400

    static func register(_ app: Application, pages: any RoutesBuilder) {
        app.get(SiteURL.offlineWorker.pattern, use: serviceWorker)
        app.get(SiteURL.offlineManifest.pattern, use: manifest)
        pages.get(SiteURL.offlineApp.pattern, use: shell)
        pages.get(SiteURL.syncConflicts.pattern, use: conflicts)
        pages.post(SiteURL.syncConflict(UUID()).pattern, use: decideForm)
        pages.get(SiteURL.syncDevices.pattern, use: devices)
        pages.get(SiteURL.syncRescue.pattern, use: rescuePage)
        pages.on(.POST, SiteURL.syncRescue.pattern, body: .collect(maxSize: "60mb"), use: rescueImport)
    }

    // MARK: The app

    static func shell(req: Request) async throws -> Response {
        let w = try req.requireOfflineWorker()
        let strings = Dictionary(uniqueKeysWithValues: L10n.allKeys.filter { $0.hasPrefix("offline.") }.map { ($0, L10n.t($0)) })
        let config: [String: String] = [
            "version": appVersion, "protocol": String(SyncProtocol.current), "csrf": CSRF.token(req), "account": w.viewer.account.id.uuidString,
            "name": w.viewer.account.displayName, "grid": w.viewer.account.unitID?.uuidString ?? "", "logout": SiteURL.logout.path,
            "conflicts": SiteURL.syncConflicts.path, "enters_cases": w.viewer.role.entersCases ? "1" : "",
        ]
        let categories = try await CaseController.repo(req).categories().filter { $0.active && $0.parentKey != nil }.map { ["key": $0.key, "name": $0.nameZh] }
        // Names for the keys the copy holds: relations, and the tags this role may see and set.
        let tags = try await ResidentRepository(req.db, cipher: req.keys.cipher).allTags().filter { !$0.sensitive || w.viewer.role.seesSensitiveTags }
        let names: [String: [[String: String]]] = [
            "relations": Vocabulary.relations.map { ["key": $0, "name": L10n.t("relation.\($0)")] },
            "tags": tags.map { ["key": $0.key, "name": $0.nameZh] },
        ]
        let res = SyncPages.shell(strings: try json(strings), config: try json(config), categories: try json(categories), names: try json(names)).response
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return res
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func serviceWorker(req: Request) async throws -> Response {
        guard let url = Bundle.module.url(forResource: "offline-sw", withExtension: "js"), let data = FileManager.default.contents(atPath: url.path) else {
            throw Abort(.notFound)
        }
        let script = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "__APP_VERSION__", with: appVersion)
        return Response(
            status: .ok,
            headers: ["Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "no-cache", "Service-Worker-Allowed": "/app"],
            body: .init(string: script))
    }

    static func manifest(req: Request) async throws -> Response {
        let icons: [[String: String]] = [
            ["src": SiteURL.asset("offline-icon.svg").path, "sizes": "any", "type": "image/svg+xml"],
            ["src": SiteURL.asset("offline-icon-192.png").path, "sizes": "192x192", "type": "image/png"],
            ["src": SiteURL.asset("offline-icon-512.png").path, "sizes": "512x512", "type": "image/png"],
        ]
        struct Manifest: Encodable {
            var name: String
            var short_name: String
            var start_url: String
            var scope: String
            var display: String
            var background_color: String
            var theme_color: String
            var lang: String
            var icons: [[String: String]]
        }
        let m = Manifest(
            name: L10n.t("offline.app_name"), short_name: L10n.t("offline.short_name"), start_url: SiteURL.offlineApp.path, scope: "/app", display: "standalone",
            background_color: "#ffffff", theme_color: "#0b5cad", lang: "zh-CN", icons: icons)
        return Response(status: .ok, headers: ["Content-Type": "application/manifest+json"], body: .init(string: try json(m)))
    }

    // MARK: Conflicts

    /// A conflict as it is shown: phone numbers masked for every role (deciding needs no whole
    /// number; a whole one is read through the resident page's logged gate).
    static func shown(_ c: SyncConflictRecord, role: Role) -> SyncConflictRecord {
        guard c.field == "phone" else { return c }
        var m = c
        (m.base, m.mine, m.server, m.finalValue) = (c.base.map(Mask.phone), c.mine.map(Mask.phone), c.server.map(Mask.phone), c.finalValue.map(Mask.phone))
        return m
    }

    static func conflicts(req: Request) async throws -> Response {
        let (v, decider) = try req.requireConflictDecider()
        let list = try await SyncRepository(req.db, cipher: req.keys.cipher).conflicts(author: decider == .worker ? v.account.id : nil, in: v.scope)
        let tags = Dictionary(uniqueKeysWithValues: try await ResidentRepository(req.db, cipher: req.keys.cipher).allTags().map { ($0.key, $0.nameZh) })
        let body = SyncPages.conflicts(list.map { shown($0, role: v.role) }, tags: tags, csrf: CSRF.token(req), notice: LogController.takeNotice(req))
        return Layout.response(req, body, title: L10n.t("sync.conflicts.title"))
    }

    struct DecideForm: Content {
        var action: String
        var value: String?
    }

    static func decideForm(req: Request) async throws -> Response {
        let form = try req.content.decode(DecideForm.self)
        _ = try await decide(req, try req.id(), action: form.action, value: form.value)
        return LogController.done(req, "sync.conflict.decided", to: .syncConflicts)
    }

    /// Decides a conflict for the page or the API; audited.
    static func decide(_ req: Request, _ id: UUID, action raw: String, value: String?) async throws -> SyncConflictRecord {
        let (v, decider) = try req.requireConflictDecider()
        let action: SyncConflictAction
        switch raw {
        case "keep_mine": action = .keepMine
        case "keep_server": action = .keepServer
        case "edit": action = .edit(value ?? "")
        default: throw StoreError(.invalid, "field.not_one_of", [raw, "keep_mine/keep_server/edit"], field: "action")
        }
        let cipher = req.keys.cipher
        let decided = try await req.audited("sync.conflict_decide", object: "sync_conflict") { db in
            try await SyncRepository(db, cipher: cipher).decide(id, action, by: decider, actor: v.account.id, actorName: v.account.displayName, in: v.scope, now: req.now)
        } entry: { decided in
            (id.uuidString, AuditDetail(["resident": decided.residentID.uuidString, "field": decided.field, "state": decided.state.rawValue, "as": decider.rawValue]).text)
        }
        return shown(decided, role: v.role)
    }

    // MARK: Devices

    static func devices(req: Request) async throws -> Response {
        let v = try req.requireViewer()
        guard v.role.watchesDevices else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        let silent = try await SyncRepository(req.db, cipher: req.keys.cipher).silent(since: req.now.addingTimeInterval(-silentAfter), in: v.scope)
        return Layout.response(req, SyncPages.devices(silent, now: req.now), title: L10n.t("sync.devices.title"))
    }

    // MARK: Rescue import

    static func requireRescuer(_ req: Request) throws -> Viewer {
        let v = try req.requireViewer()
        guard v.role.syncConflictDecider == .supervisor else { throw Abort(.forbidden, reason: L10n.t("auth.forbidden")) }
        return v
    }

    static func rescuePage(req: Request) async throws -> Response {
        _ = try requireRescuer(req)
        return Layout.response(req, SyncPages.rescue(csrf: CSRF.token(req), results: nil, error: nil), title: L10n.t("sync.rescue.title"))
    }

    struct RescueForm: Content {
        var file: File?
        var text: String?
    }

    struct RescueFile: Decodable {
        var format: String
        var payload: String
        var signature: String
    }

    struct RescuePayload: Decodable {
        var deviceId: UUID
        var items: [SyncItem]
    }

    static func rescueImport(req: Request) async throws -> Response {
        let v = try requireRescuer(req)
        let form = try req.content.decode(RescueForm.self)
        let raw = form.file.map { String(buffer: $0.data) }?.trimmedOrNil ?? form.text?.trimmedOrNil ?? ""
        do {
            let (device, payload) = try await verify(req, raw)
            guard let (account, scope) = try await AccountRepository(req.db).findWithScope(device.accountID), let role = ActorRole(account.role),
                let unit = device.unitID, try await UnitRepository(req.db).find(unit, in: v.scope) != nil
            else { throw StoreError.notFound("device") }
            let worker = CaseController.Worker(
                viewer: Viewer(account: account, scope: scope),
                actor: CaseActor(id: account.id, name: account.displayName, role: role))
            let results = try await SyncPush(req: req, device: device, worker: worker, version: SyncProtocol.current).run(payload.items)
            try await req.audit(
                "sync.rescue_import", object: "sync_device", device.id.uuidString,
                detail: AuditDetail(["items": String(payload.items.count), "account": account.username]).text)
            return Layout.response(req, SyncPages.rescue(csrf: CSRF.token(req), results: results, error: nil), title: L10n.t("sync.rescue.title"))
        } catch let e as StoreError {
            return Layout.response(
                req, SyncPages.rescue(csrf: CSRF.token(req), results: nil, error: e.message()), title: L10n.t("sync.rescue.title"), status: .unprocessableEntity)
        }
    }

    /// The device and queue of a rescue file whose signature is the device's; anything else —
    /// an unknown device, a changed byte, a missing signature — refuses the whole file.
    static func verify(_ req: Request, _ raw: String) async throws -> (SyncDevice, RescuePayload) {
        let refused = StoreError(.invalid, "sync.rescue.bad_file", field: "file")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let file = try? decoder.decode(RescueFile.self, from: Data(raw.utf8)), file.format == "wangge-rescue-1" else { throw refused }
        struct Head: Decodable { var deviceId: UUID }
        guard let head = try? decoder.decode(Head.self, from: Data(file.payload.utf8)) else { throw refused }
        let repo = SyncRepository(req.db, cipher: req.keys.cipher)
        guard let device = try await repo.anyDevice(head.deviceId), let key = try await repo.signingKey(of: device.id) else { throw refused }
        guard RescueSignature.verify(file.payload, signature: file.signature, key: key) else { throw refused }
        guard let payload = try? decoder.decode(RescuePayload.self, from: Data(file.payload.utf8)) else { throw refused }
        return (device, payload)
    }
}
