import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// A write that cannot get the database in time (SQLite's write lock held past the busy timeout, or
/// no pooled connection free) is told so: 503 with Retry-After and a message that nothing was saved,
/// never an "internal error"; sent again once the lock is gone, it saves.
@Suite("A busy database: 503 with Retry-After, nothing written, the same request saves later")
struct BusyTests {
    @Test("a sign-up that finds the write lock held past the busy timeout: 503 on the page and the API, nothing written; then it saves")
    func lockHeld() async throws {
        try await withApp(.sqlite, settings: ["WANGGE_SQLITE_BUSY_MS": "300"]) { app in
            // setup
            let (activity, people) = try await DuplicateWriteTests.activity(app)
            var op = try await Browser.login(app, as: "operator")
            try await op.get(SiteURL.volunteerActivity(activity).path)
            let signups: SQLQueryString = "SELECT COUNT(*) AS n FROM volunteer_signups WHERE activity_id = \(bind: activity)"
            let lock = try await SQLiteWriteLock.take(of: app.db as! any SQLDatabase)
            // MUT
            let page: TestingHTTPResponse
            let api: TestingHTTPResponse
            do {
                page = try await op.post(SiteURL.volunteerSignUp(activity).path, form: ["volunteer": people[0].uuidString])
                api = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"\#(people[1].uuidString)"}"#)
            } catch {
                try await lock.release()
                throw error
            }
            try await lock.release()
            // validate
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers.first(name: .retryAfter) == "5")
            #expect(page.body.string.contains(L10n.t("error.busy", 5)))
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers.first(name: .retryAfter) == "5")
            #expect(api.body.string.contains(#""code":"busy""#))
            #expect(try await DuplicateWriteTests.count(app, signups) == 0)
            // The same requests once the lock is gone.
            let again = try await op.api(.POST, "/api/v1/volunteer-activities/\(activity)/signups", json: #"{"volunteer":"\#(people[1].uuidString)"}"#)
            #expect(again.status == .created)
            try await op.get(SiteURL.volunteerActivity(activity).path)
            let pageAgain = try await op.post(SiteURL.volunteerSignUp(activity).path, form: ["volunteer": people[0].uuidString])
            #expect(pageAgain.status == .seeOther)
            #expect(try await DuplicateWriteTests.count(app, signups) == 2)
        }
    }

    @Test("waiting for a pooled connection or SQLite's lock counts as busy; other errors do not")
    func classified() {
        #expect(StoreSetup.isBusy(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(!StoreSetup.isBusy(StoreError(.invalid, "volunteer.full")))
        #expect(!StoreSetup.isBusy(Abort(.internalServerError)))
    }
}
