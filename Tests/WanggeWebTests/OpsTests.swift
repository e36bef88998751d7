import Foundation
import Logging
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Operations: /readyz, the request id and structured log lines")
struct OpsTests {
    @Test("/readyz is 200 once every migration has run and 503 naming the one missing; every answer carries X-Request-Id")
    func readiness() async throws {
        try await withApp(.sqlite, demo: false) { app in
            // setup
            var b = Browser(app)
            // MUT
            let ready = try await b.get("/readyz")
            try await (app.db as! any SQLDatabase).raw("DELETE FROM _fluent_migrations WHERE name = 'WanggeStore.CreateResidentNeeds'").run()
            let pending = try await b.get("/readyz")
            // validate
            #expect(ready.status == .ok && ready.body.string == "ready")
            #expect(pending.status == .serviceUnavailable && pending.body.string.contains("CreateResidentNeeds"))
            let id = ready.headers.first(name: "X-Request-Id") ?? ""
            #expect(!id.isEmpty && id != pending.headers.first(name: "X-Request-Id"))
        }
    }

    @Test("/metrics answers Prometheus text to the holder of the token (or a local client) and nothing to anyone else")
    func metrics() async throws {
        try await withApp(.sqlite, demo: false) { app in
            // setup
            app.metricsToken = "scrape-me"
            var b = Browser(app)
            try await b.get("/healthz")
            // MUT
            let anonymous = try await b.get("/metrics")
            let wrong = try await b.api(.GET, "/metrics", bearer: "nope")
            let scraped = try await b.api(.GET, "/metrics", bearer: "scrape-me")
            // validate
            #expect(anonymous.status == .notFound && wrong.status == .notFound)
            #expect(scraped.status == .ok && scraped.headers.contentType?.subType == "plain")
            let text = scraped.body.string
            #expect(text.contains(#"http_requests_total{method="GET",path="/healthz",status="200"}"#), "Vapor's request counter by route")
            #expect(text.contains("http_request_duration_seconds_bucket"), "latencies by route")
            #expect(text.contains(#"wangge_notifications{state="queued"} 0"#) && text.contains("wangge_intake_queued 0"))
        }
    }

    @Test("a JSON log line is one object with time, level, label, message and the metadata (the request id among it)")
    func jsonLine() throws {
        // MUT
        let line = JSONLogHandler.line(
            at: Date(timeIntervalSince1970: 1_800_000_000.5), level: .warning, label: "codes.vapor.request", message: "太慢 \"quoted\"\nnext",
            metadata: ["request-id": "R1", "tries": .stringConvertible(3), "path": .array(["/a", "/b"])], source: "WanggeWeb")
        // validate
        #expect(!line.contains("\n"), "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2027-01-15T08:00:00.500Z")
        #expect(object["level"] as? String == "warning" && object["label"] as? String == "codes.vapor.request")
        #expect(object["message"] as? String == "太慢 \"quoted\"\nnext")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["request-id"] as? String == "R1" && metadata["tries"] as? String == "3" && metadata["path"] as? [String] == ["/a", "/b"])
    }
}
