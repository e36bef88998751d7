import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Case photos and submission tokens in storage")
struct CaseAttachmentStoreTests {
    static let t0 = CaseStoreTests.t0
    static let jpeg = Data(TestImages.jpeg(size: 1004))
    static let png = Data(TestImages.png())
    static let webp = Data(Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 2, count: 50))

    static func draft(photos: [AttachmentUpload] = [], submission: String? = nil, grid: UUID? = nil) -> CaseIntake {
        var d = CaseIntake(categoryKey: "city_appearance.exposed_garbage", channel: .gridWorker, title: "", description: "井盖缺失", gridID: grid)
        d.attachments = photos
        d.submission = submission
        return d
    }

    @Test("photos go in with the report or the step, in its transaction; bad ones refuse everything", arguments: TestDatabase.enabled)
    func photos(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            let grids = try await Fixture.grids(db).values.sorted { $0.code < $1.code }
            let repo = CaseStoreTests.repo(db)
            let c = try await repo.intake(
                Self.draft(photos: [.init(name: "C:\\相册\\井盖.JPG", bytes: Self.jpeg), .init(name: "b.png", bytes: Self.png)], grid: grids[0].id),
                actor: CaseStoreTests.gridActor, at: Self.t0)
            let stored = try await repo.attachments(of: c.id, in: .everything)
            #expect(stored.map(\.contentType) == ["image/jpeg", "image/png"] || stored.map(\.contentType) == ["image/png", "image/jpeg"])
            let first = try #require(stored.first { $0.contentType == "image/jpeg" })
            #expect(first.eventSeq == 1 && first.byteSize == Self.jpeg.count && first.originalName == "井盖.JPG" && first.sha256.count == 64)
            #expect(try await repo.attachment(first.id, of: c.id, in: .everything)?.bytes == Self.jpeg)
            #expect(try await repo.attachment(first.id, of: c.id, in: .subtree(of: grids[3])) == nil, "out of scope through its case")
            #expect(try await repo.attachments(of: c.id, in: .subtree(of: grids[3])).isEmpty)

            // A step's photo belongs to that step's event.
            try await repo.apply(
                .accept(), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: Self.t0,
                attachments: [.init(name: "现场.webp", bytes: Self.webp)])
            #expect(try await repo.attachmentCounts(of: c.id, in: .everything) == [1: 2, 2: 1])

            // Refused: a renamed text file, one photo too many, one too large — and nothing written.
            let cases = try await Fixture.count(db, "cases"), files = try await Fixture.count(db, "case_attachments")
            let text = AttachmentUpload(name: "notes.jpg", bytes: Data("not a photo".utf8))
            let big = AttachmentUpload(name: "big.jpg", bytes: Self.jpeg + Data(count: PhotoRules.maxBytes))
            let five = Array(repeating: AttachmentUpload(name: "a.jpg", bytes: Self.jpeg), count: PhotoRules.maxCount + 1)
            for (photos, key) in [([text], "case.photo.not_image"), ([big], "case.photo.too_large"), (five, "case.photo.too_many")] {
                let e = await Fixture.storeError { try await repo.intake(Self.draft(photos: photos, grid: grids[0].id), actor: CaseStoreTests.gridActor, at: Self.t0) }
                #expect(e?.key == key && e?.field == "photos")
                let onStep = await Fixture.storeError {
                    try await repo.apply(.dispatch(department: "sanitation"), to: c.id, actor: CaseStoreTests.operatorActor, in: .everything, at: Self.t0, attachments: photos)
                }
                #expect(onStep?.key == key)
            }
            #expect(try await Fixture.count(db, "cases") == cases)
            #expect(try await Fixture.count(db, "case_attachments") == files)
            #expect(try await repo.get(c.id, in: .everything).state == .accepted)
            #expect(
                await Fixture.storeError { try await repo.intake(Self.draft(photos: [.init(name: "empty.jpg", bytes: Data())]), actor: CaseStoreTests.gridActor, at: Self.t0) }?.key
                    == "case.photo.not_image")
        }
    }

    @Test("a submission token makes one case: a batch holding it twice fails whole, the batcher lets exactly one through", arguments: TestDatabase.enabled)
    func submissions(kind: TestDatabase) async throws {
        try await kind.withStore(Fixture.demo) { db in
            try await Fixture.grids(db)
            let repo = CaseStoreTests.repo(db)
            let signer = SubmissionSigner(cipher: TestDatabase.keys.cipher)
            let token = signer.issue()
            #expect(signer.verify(token) && !signer.verify(String(token.dropLast()) + (token.last == "A" ? "B" : "A")) && !signer.verify("abc.def"))

            let one = try await repo.prepare(Self.draft(submission: token), actor: CaseStoreTests.gridActor, at: Self.t0)
            let two = try await repo.prepare(Self.draft(submission: token), actor: CaseStoreTests.gridActor, at: Self.t0)
            await #expect(throws: (any Error).self) { try await repo.store([one, two]) }
            #expect(try await Fixture.count(db, "cases") == 0, "the whole batch rolled back")

            // Two at once through the batcher: the batch fails, each is retried alone, one wins.
            let batcher = IntakeBatcher { batch in try await CaseRepository.store(batch, on: db) }
            async let first: Bool = (try? await batcher.submit(one)) != nil
            async let second: Bool = (try? await batcher.submit(two)) != nil
            let outcomes = await [first, second]
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await Fixture.count(db, "cases") == 1)
            #expect(try await Fixture.count(db, "case_submissions") == 1)
            let made = try #require(try await repo.caseMade(bySubmission: token))
            #expect(made.id == (outcomes[0] ? one.row.id : two.row.id))
            #expect(try await repo.caseMade(bySubmission: signer.issue()) == nil)
        }
    }
}
