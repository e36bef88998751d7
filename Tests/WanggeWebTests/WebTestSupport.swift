import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// A configured application on a fresh database of `kind`, optionally with a small demo
/// district (4 grids) and its accounts loaded. The database is a copy of a template migrated (and
/// loaded) once per process (`TemplateDatabases`): configuring on it finds nothing to migrate.
/// `settings` are added to the environment of the app the test uses (not of the template's).
func withApp(_ kind: TestDatabase, demo: Bool = true, settings: [String: String] = [:], _ body: (Application) async throws -> Void) async throws {
    let (env, cleanUp) = try await TemplateDatabases.shared.copy(kind, name: demo ? "web-demo" : "web-empty") { env in
        let app = try await Application.make(.testing)
        do {
            try await configure(app, environment: env.merging(testSettings) { a, _ in a })
            if demo {
                let plan = try await DemoLoader(app.db, cipher: app.keys.cipher).load(DemoConfig(grids: 4, today: SimpleDate(year: 2026, month: 11, day: 27)!))
                _ = try await DemoCommand.createAccounts(app, plan: plan)
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
    let app = try await Application.make(.testing)
    do {
        try await configure(app, environment: env.merging(testSettings) { a, _ in a }.merging(settings) { _, b in b })
        let clock = TestClock()
        app.storage[TestClockKey.self] = clock
        app.clock = WanggeClock { clock.now }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        await cleanUp()
        throw error
    }
    try await app.asyncShutdown()
    await cleanUp()
}

/// Cheap password hashing, one database connection per event loop and a small blocking pool per app
/// (the suite runs many apps at once).
let testSettings = ["WANGGE_BCRYPT_COST": "4", "WANGGE_DB_CONNECTIONS": "1", "WANGGE_BLOCKING_THREADS": "3"]

/// The current TOTP code of an enrolled account, as the user's phone would show it. Each call
/// moves the app's clock on by one step when needed so a code is never reused.
func totpCode(_ app: Application, _ username: String) async throws -> String {
    let account = try #require(try await AccountRepository(app.db).find(username: username))
    let secret = try app.keys.cipher.decrypt(try #require(account.totpSecret))
    let parsed = WanggeSecurity.TOTP(base32: secret)
    let totp = try #require(parsed)
    app.testClock.advance(WanggeSecurity.TOTP.step)
    return totp.code(at: app.clock.now())
}

/// A clock the tests move by hand (lock-outs, idle timeouts, TOTP steps).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

struct TestClockKey: StorageKey { typealias Value = TestClock }

extension Application {
    var testClock: TestClock { storage[TestClockKey.self]! }
}

/// A logged-in browser: keeps the session cookie and the CSRF token of the last page, and the
/// one-time submission token of the last report form it showed, which the next post sends once.
struct Browser {
    let app: Application
    /// The cookies the server set (session, and the CSRF cookie of a visitor not signed in).
    var jar: [String: String] = [:]
    var cookie: String { jar.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
    var csrf: String = ""
    var submission: String = ""

    init(_ app: Application) { self.app = app }

    /// Logs in as a demo account and returns the browser.
    static func login(_ app: Application, as username: String, password: String = DemoCommand.demoPassword) async throws -> Browser {
        var b = Browser(app)
        let page = try await b.get("/login")
        #expect(page.status == .ok)
        var res = try await b.post("/login", form: ["username": username, "password": password])
        #expect(res.status == .seeOther, "log-in as \(username) failed: \(res.status)")
        if res.headers.first(name: .location) == "/login/code" {
            try await b.get("/login/code")
            res = try await b.post("/login/code", form: ["code": try await totpCode(app, username)])
            #expect(res.status == .seeOther, "second step for \(username) failed: \(res.status)")
        }
        return b
    }

    mutating func remember(_ res: TestingHTTPResponse) {
        for name in ["wangge_session", "wangge_csrf"] {
            guard let set = res.headers.setCookie?[name] else { continue }
            if set.string.isEmpty || (set.expires.map { $0 < Date() } ?? false) { jar[name] = nil } else { jar[name] = set.string }
        }
        let body = res.body.string
        if let r = body.range(of: "name=\"_csrf\" value=\"") {
            csrf = String(body[r.upperBound...].prefix { $0 != "\"" })
        }
        submission = body.range(of: "name=\"submission\" value=\"").map { String(body[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
    }

    @discardableResult
    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        let cookie = self.cookie
        try await app.testing().test(
            .GET, path,
            beforeRequest: { req in
                if !cookie.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
            }, afterResponse: { res in result = res })
        remember(result)
        return result
    }

    @discardableResult
    mutating func post(_ path: String, form: [String: String], csrf include: Bool = true) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        let cookie = self.cookie
        var fields = form
        if include { fields["_csrf"] = csrf }
        if fields["submission"] == nil && !submission.isEmpty { fields["submission"] = submission }
        try await app.testing().test(
            .POST, path,
            beforeRequest: { req in
                if !cookie.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
                try req.content.encode(fields, as: .urlEncodedForm)
            }, afterResponse: { res in result = res })
        remember(result)
        return result
    }

    /// An API call with a JSON (or other) body.
    @discardableResult
    mutating func api(
        _ method: HTTPMethod, _ path: String, json: String? = nil, body: Data? = nil, contentType: HTTPMediaType = .json,
        bearer: String? = nil, headers: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        let cookie = self.cookie
        try await app.testing().test(
            method, path,
            beforeRequest: { req in
                if !cookie.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
                for (name, value) in headers { req.headers.replaceOrAdd(name: name, value: value) }
                if let bearer { req.headers.bearerAuthorization = BearerAuthorization(token: bearer) }
                if let json {
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: json)
                } else if let body {
                    req.headers.contentType = contentType
                    req.body = ByteBuffer(data: body)
                }
            }, afterResponse: { res in result = res })
        return result
    }
}

extension TestingHTTPResponse {
    /// The body parsed as a JSON object (or array) for quick assertions.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.string.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
}
