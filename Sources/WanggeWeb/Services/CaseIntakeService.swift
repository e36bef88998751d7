import Fluent
import Vapor
import WanggeCore
import WanggeSecurity
import WanggeStore

/// Every channel opens cases through here: the request's own connection checks and prepares the
/// case (`CaseRepository.prepare`), then the application's `IntakeBatcher` commits it — with its
/// audit entry and its rate-limit count, in the same transaction — together with whatever else
/// arrived meanwhile, before the caller answers. Grid polygons for locating a point come from a
/// cache that re-checks the tree on every use.
struct CaseIntakeService: Sendable {
    let batcher: IntakeBatcher
    /// Where the batches are committed (on SQLite a connection of its own; see `IntakeWriter`).
    let writer: IntakeWriter
    let locators: GridLocatorCache
    /// Open311's services, taken again when the catalogue's stamp moves (read with each post's API key).
    let catalogue: ServiceCatalogueCache
    /// Open311 posts per key per minute (`WANGGE_OPEN311_POSTS_PER_MINUTE`, default 600).
    let open311PostsPerMinute: Int

    /// `WANGGE_INTAKE_BATCH` caps the cases one commit writes (1 turns group commit off, for comparison).
    init(writer: IntakeWriter, chain: AuditChain, environment env: [String: String]) {
        locators = GridLocatorCache()
        catalogue = ServiceCatalogueCache()
        open311PostsPerMinute = Int(env["WANGGE_OPEN311_POSTS_PER_MINUTE"] ?? "").flatMap { $0 > 0 ? $0 : nil } ?? 600
        let max = Int(env["WANGGE_INTAKE_BATCH"] ?? "") ?? IntakeBatcher.defaultMaxBatch
        self.writer = writer
        batcher = IntakeBatcher(maxBatch: max) { batch in
            WanggeMetrics.intakeBatch(batch.count)
            try await writer.transaction { sql in try await CaseRepository.write(batch, in: sql, chain: chain) }
        }
    }
}

/// Closes the intake writer's connection as the application shuts down.
struct IntakeWriterShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async { await app.caseIntake.writer.close() }
}

struct CaseIntakeKey: StorageKey { typealias Value = CaseIntakeService }

struct TallyCacheKey: StorageKey { typealias Value = TallyCache }

extension Application {
    var caseIntake: CaseIntakeService {
        get { storage[CaseIntakeKey.self]! }
        set { storage[CaseIntakeKey.self] = newValue }
    }

    /// The instance's copy of the registers' and participation's counts (see `TallyCache`).
    var tallyCache: TallyCache {
        get { storage[TallyCacheKey.self]! }
        set { storage[TallyCacheKey.self] = newValue }
    }
}

/// Who the audit log names for a report, when it is not the logged-in viewer.

extension Request {
    /// Opens a case and returns it once committed (see `CaseIntakeService`). The report is audited
    /// as `case.report` with `detail` after the tracking code and channel; `limit`, if given, is
    /// counted on commit and a used-up limit answers 429.
    func openCase(
        _ draft: CaseIntake, actor: CaseActor, locator given: GridLocator? = nil, detail: String = "", auditActor: AuditActor? = nil,
        limit: RateLimit? = nil
    ) async throws -> CaseRow {
        let service = application.caseIntake
        let repo = CaseRepository(db, cipher: keys.cipher)
        var locator = given
        if locator == nil, draft.point != nil { locator = try await service.locators.locator(db) }
        // The codes are checked as the batch commits, for all its cases in one statement.
        var prepared = try await repo.prepare(draft, actor: actor, at: now, locator: locator, checkCodes: false)
        prepared.limits = limit.map { [$0] } ?? []
        let who = auditActor ?? self.auditActor
        var attempt = 0
        while true {
            attempt += 1
            let row = prepared.row
            let info = ["code=\(row.trackingCode)", "channel=\(row.channel.rawValue)", detail].filter { !$0.isEmpty }.joined(separator: "; ")
            prepared.audit = AuditEntry(
                at: Date(), actorID: who.id, actor: who.name, role: who.role, ip: clientIP, action: "case.report",
                objectType: "case", objectID: row.id.uuidString, detail: info, outcome: "ok")
            do {
                try await service.batcher.submit(prepared)
                return row
            } catch is RateLimitExceeded {
                throw Abort(.tooManyRequests, reason: L10n.t("case.rate_limited"))
            } catch let taken as CaseCodesTaken where attempt < 8 && taken.caseIDs.contains(row.id) {
                // Each code is one of 31^7 (2.8 × 10^10): another case had one of these. Draw again.
                prepared.redrawCodes()
            }
        }
    }
}
