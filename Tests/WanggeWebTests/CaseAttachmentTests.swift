import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Case photos over HTTP: with a QR report or a step, served to staff in scope only, bad files refused")
struct CaseAttachmentTests {
    static let category = CaseFlowTests.category

    static func otherGrid(_ app: Application) async throws -> UnitRow {
        let mine = try await CaseFlowTests.gridOf(app, "gridworker")
        return try #require(try await UnitRepository(app.db).all(in: .everything, level: .grid).first { $0.id != mine.id })
    }

    @Test("a JPEG sent from the QR page is stored, served to staff in scope, 404 out of scope, only counted for the resident", arguments: TestDatabase.enabled)
    func qrPhoto(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await Self.otherGrid(app)
            var resident = Browser(app)
            let form = try await resident.get("/r/\(grid.code)")
            #expect(form.body.string.contains("enctype=\"multipart/form-data\"") && form.body.string.contains("name=\"photos[]\""))
            #expect(form.body.string.contains(SiteURL.asset("photos.js").path))
            var visitor = Browser(app)
            #expect(try await visitor.get(SiteURL.asset("photos.js").path).body.string.contains("DataTransfer"))
            let jpeg = PhotoFixture.jpeg()
            let sent = try await resident.postPhotos(
                "/r/\(grid.code)", fields: ["category": Self.category, "description": "路口井盖破损"],
                photos: [.init(name: "井盖.jpg", bytes: jpeg, type: "application/octet-stream")])
            #expect(sent.status == .created)
            let code = try #require(CaseFlowTests.trackingCode(in: sent.body.string))
            let row = try await CaseFlowTests.caseRow(app, code)
            let stored = try await CaseRepository(app.db, cipher: app.keys.cipher).attachments(of: row.id, in: .everything)
            #expect(stored.count == 1)
            let photo = try #require(stored.first)
            #expect(photo.eventSeq == 1 && photo.contentType == "image/jpeg" && photo.byteSize == jpeg.count && photo.originalName == "井盖.jpg")

            var op = try await Browser.login(app, as: "operator")
            let url = SiteURL.caseAttachment(row.id, file: photo.id).path
            let page = try await op.get("/cases/\(row.id)")
            #expect(page.body.string.contains("<img src=\"\(url)\"") && page.body.string.contains("loading=\"lazy\""))
            let served = try await op.get(url)
            #expect(served.status == .ok)
            #expect(served.bytes == jpeg)
            #expect(served.headers.first(name: .contentType) == "image/jpeg")
            #expect(served.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(served.headers.first(name: .contentDisposition) == "inline; filename*=UTF-8''%E4%BA%95%E7%9B%96.jpg")
            #expect(served.headers.first(name: .cacheControl)?.hasPrefix("private") == true)
            #expect(served.headers.first(name: "Content-Security-Policy") != nil)

            // The grid worker of another grid, a wrong case in the path, a visitor without an account.
            var worker = try await Browser.login(app, as: "gridworker")
            #expect(try await worker.get(url).status == .notFound)
            #expect(try await op.get(SiteURL.caseAttachment(UUID(), file: photo.id).path).status == .notFound)
            var stranger = Browser(app)
            #expect(try await stranger.get(url).status == .seeOther)

            // The resident is told a photo is attached, never shown it.
            let tracking = try await resident.get("/t/\(code)").body.string
            #expect(tracking.contains(L10n.t("case.photos.count", 1)))
            #expect(!tracking.contains("/attachments/"))
        }
    }

    @Test("a renamed text file, a 6 MB photo and five photos are refused with the file named, and no case is made", arguments: TestDatabase.enabled)
    func refused(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await Self.otherGrid(app)
            let before = try await WebFixture.count(app, "cases")
            var resident = Browser(app)
            let cases: [([PhotoFixture.File], String)] = [
                ([.init(name: "notes.jpg", bytes: PhotoFixture.text)], L10n.t("case.photo.not_image", "notes.jpg")),
                ([.init(name: "huge.jpg", bytes: PhotoFixture.jpeg(size: 6 * 1024 * 1024))], L10n.t("case.photo.too_large", "huge.jpg", 5)),
                ((1...5).map { .init(name: "p\($0).jpg", bytes: PhotoFixture.jpeg()) }, L10n.t("case.photo.too_many", 4, 5)),
            ]
            for (photos, message) in cases {
                try await resident.get("/r/\(grid.code)")
                let res = try await resident.postPhotos("/r/\(grid.code)", fields: ["category": Self.category, "description": "照片有问题"], photos: photos)
                #expect(res.status == .unprocessableEntity, "\(message)")
                #expect(res.body.string.contains(HTML.escape(message)))
            }
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/cases/new")
            let staff = try await op.postPhotos(
                "/cases/new", fields: ["channel": "window", "category": Self.category, "description": "窗口受理"],
                photos: [.init(name: "scan.jpg", bytes: PhotoFixture.text)])
            #expect(staff.status == .unprocessableEntity)
            #expect(try await WebFixture.count(app, "cases") == before)
            #expect(try await WebFixture.count(app, "case_attachments") == 0)
        }
    }

    @Test("a step carries photos: the grid worker handles with a photo of the fixed problem; a bad file leaves the case as it was", arguments: TestDatabase.enabled)
    func stepPhoto(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await CaseFlowTests.gridOf(app, "gridworker")
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let code = try #require(CaseFlowTests.trackingCode(in: try await resident.post("/r/\(grid.code)", form: ["category": Self.category, "description": "垃圾堆积"]).body.string))
            let id = try await CaseFlowTests.caseRow(app, code).id
            var op = try await Browser.login(app, as: "operator")
            try await op.get("/cases/\(id)")
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "accept", "version": "1"]).status == .seeOther)
            #expect(try await op.post("/cases/\(id)/act", form: ["action": "dispatch", "version": "2", "department": CaseRepository.gridTeam]).status == .seeOther)
            var worker = try await Browser.login(app, as: "gridworker")
            try await worker.get("/cases/\(id)")
            #expect(try await worker.post("/cases/\(id)/act", form: ["action": "sign_for", "version": "3"]).status == .seeOther)
            let page = try await worker.get("/cases/\(id)")
            #expect(page.body.string.contains("enctype=\"multipart/form-data\""))
            let done = try await worker.postPhotos(
                "/cases/\(id)/act", fields: ["action": "handle", "version": "4", "note": "已清运"],
                photos: [.init(name: "after.png", bytes: PhotoFixture.png, type: "image/png")])
            #expect(done.status == .seeOther)
            let repo = CaseRepository(app.db, cipher: app.keys.cipher)
            let handle = try #require(try await repo.timeline(id).last)
            #expect(handle.action == .handle)
            let photos = try await repo.attachments(of: id, in: .everything)
            #expect(photos.map(\.eventSeq) == [handle.seq] && photos.map(\.contentType) == ["image/png"])
            #expect(try await worker.get(SiteURL.caseAttachment(id, file: photos[0].id).path).status == .ok, "the worker's own grid")

            try await op.get("/cases/\(id)")
            let bad = try await op.postPhotos("/cases/\(id)/act", fields: ["action": "verify", "version": "5"], photos: [.init(name: "x.jpg", bytes: PhotoFixture.text)])
            #expect(bad.status == .unprocessableEntity)
            let row = try await CaseFlowTests.caseRow(app, code)
            #expect(row.state == .handled && row.version == 5)
            #expect(try await WebFixture.count(app, "case_attachments") == 1)
        }
    }

    @Test("through a real server a large upload streams in and still passes the CSRF check", arguments: [TestDatabase.sqlite])
    func realServer(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            let grid = try await Self.otherGrid(app)
            var resident = Browser(app)
            try await resident.get("/r/\(grid.code)")
            let res = try await resident.postPhotos(
                "/r/\(grid.code)", fields: ["category": Self.category, "description": "大照片"],
                photos: [.init(name: "big.jpg", bytes: PhotoFixture.jpeg(size: 512 * 1024))], method: .running(port: 0))
            #expect(res.status == .created)
            #expect(try await WebFixture.count(app, "case_attachments") == 1)
        }
    }
}
