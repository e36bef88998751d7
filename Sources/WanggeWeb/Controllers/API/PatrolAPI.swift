import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `/api/v1/units/{id}/patrols`, `/patrols/{id}`…: patrols for the phone, scoped like the pages
/// (a grid or patrol outside the caller's part of the tree is 404) and audited on every write.
/// Each POST takes an optional `client_id`, a UUID the phone makes for the write: sent again (a
/// replay after a lost answer, or from the offline queue), the record already stored is returned
/// with 200 instead of a second one made with 201.
enum PatrolAPI {
    struct StartBody: Content { var clientId: UUID? }

    struct PointBody: Content {
        var lon: Double
        var lat: Double
        var at: Date?
    }

    struct PointsBody: Content {
        var clientId: UUID?
        var points: [PointBody]
    }

    struct FindingBody: Content {
        var clientId: UUID?
        var text: String
        var category: String
        var lon: Double?
        var lat: Double?
        var address: String?
        var componentId: UUID?
        var componentState: String?
        var onSpot: Bool?
        var at: Date?
        /// One photo, base64-encoded, with its file name.
        var photoBase64: String?
        var photoName: String?
    }

    /// A patrol with its way and findings.
    struct PatrolDetail: Content {
        var patrol: Patrol
        var points: [PatrolPoint]
        var findings: [PatrolFinding]
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("units", ":id", "patrols") { req async throws -> [Patrol] in
            let v = try req.requirePatrolReader()
            let limit = try req.queryInteger("limit", in: 1...200, default: 50)
            return try await PatrolRepository(req.db).list(under: try req.id(), limit: limit, in: v.scope)
        }
        api.post("units", ":id", "patrols") { req async throws -> Response in
            let w = try req.requirePatrolWalker()
            let body = try req.content.decode(StartBody.self)
            let (patrol, created) = try await req.audited("patrol.start", object: "patrol") { db in
                try await PatrolRepository(db).start(in: try req.id(), clientID: body.clientId, by: w.actor, at: req.now, scope: w.viewer.scope)
            } entry: { started in
                started.1 ? (started.0.id.uuidString, AuditDetail(["unit": started.0.unitID.uuidString]).text) : nil
            }
            return try await patrol.encodeResponse(status: created ? .created : .ok, for: req)
        }
        api.get("patrols", ":id") { req async throws -> PatrolDetail in
            let v = try req.requirePatrolReader()
            let repo = PatrolRepository(req.db)
            let patrol = try await repo.get(try req.id(), in: v.scope)
            return PatrolDetail(patrol: patrol, points: try await repo.points(of: patrol.id), findings: try await repo.findings(of: patrol.id))
        }
        api.post("patrols", ":id", "points") { req async throws -> Response in
            let w = try req.requirePatrolWalker()
            let body = try req.content.decode(PointsBody.self)
            let repo = PatrolRepository(req.db)
            let id = try req.id()
            if let clientID = body.clientId {
                let stored = try await repo.storedPoints(of: id, clientID: clientID, in: w.viewer.scope)
                if !stored.isEmpty { return try await stored.encodeResponse(status: .ok, for: req) }
            }
            let drafts = body.points.map { PatrolPointDraft(GeoPoint(lon: $0.lon, lat: $0.lat), at: $0.at ?? req.now) }
            let points = try await req.audited("patrol.points", object: "patrol") { db in
                try await PatrolRepository(db).addPoints(drafts, to: id, clientID: body.clientId, now: req.now, in: w.viewer.scope)
            } entry: { points in
                let outside = points.filter(\.outside).count
                return (id.uuidString, AuditDetail(["count": String(points.count), "outside": outside > 0 ? String(outside) : nil]).text)
            }
            return try await points.encodeResponse(status: .created, for: req)
        }
        api.post("patrols", ":id", "findings") { req async throws -> Response in
            let w = try req.requirePatrolWalker()
            let body = try req.content.decode(FindingBody.self)
            var photo: AttachmentUpload?
            if let encoded = body.photoBase64 {
                guard let bytes = Data(base64Encoded: encoded) else { throw StoreError(.invalid, "patrol.bad_photo", field: "photo_base64") }
                photo = AttachmentUpload(name: body.photoName ?? "photo", bytes: bytes)
            }
            var point: GeoPoint?
            if let lon = body.lon, let lat = body.lat { point = GeoPoint(lon: lon, lat: lat) }
            let draft = FindingDraft(
                text: body.text, categoryKey: body.category, point: point, address: body.address, componentID: body.componentId,
                componentState: body.componentState, onSpot: body.onSpot ?? false, photo: photo, at: body.at)
            let saved = try await PatrolController.addFinding(req, draft, to: try req.id(), clientID: body.clientId, by: w)
            return try await saved.finding.encodeResponse(status: saved.created ? .created : .ok, for: req)
        }
        api.post("patrols", ":id", "end") { req async throws -> Patrol in
            let w = try req.requirePatrolWalker()
            let id = try req.id()
            let wasEnded = try await PatrolRepository(req.db).get(id, in: w.viewer.scope).state == .ended
            return try await req.audited("patrol.end", object: "patrol") { db in
                try await PatrolRepository(db).end(id, at: req.now, in: w.viewer.scope)
            } entry: { patrol in
                wasEnded ? nil : (patrol.id.uuidString, AuditDetail(["unit": patrol.unitID.uuidString]).text)
            }
        }
        api.get("components", ":id", "history") { req async throws -> [ComponentStateChange] in
            let v = try req.requireRegisterReader()
            return try await PatrolRepository(req.db).history(ofComponent: try req.id(), in: v.scope)
        }
        api.post("patrols", ":id", "findings", ":finding", "case") { req async throws -> Response in
            let w = try req.requirePatrolWalker()
            let (finding, created) = try await req.escalateFinding(try req.id("finding"), of: try req.id(), by: w)
            return try await finding.encodeResponse(status: created ? .created : .ok, for: req)
        }
    }
}

extension Patrol: Content {}
extension PatrolPoint: Content {}
extension PatrolFinding: Content {}
extension ComponentStateChange: Content {}
