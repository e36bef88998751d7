import Foundation
import Testing
import Vapor
import VaporTesting
import WanggeTestSupport

@testable import WanggeWeb

@Suite("wangge bench: the figures file")
struct BenchFiguresTests {
    static func phase(_ count: Int, seconds: Double, p50: Double = 1, p99: Double = 2, failures: Int = 0) -> BenchCommand.Phase {
        BenchCommand.Phase(name: "p", count: count, failures: failures, seconds: seconds, p50: p50, p99: p99)
    }

    @Test("intake is set against /healthz and /healthz against the bare route in the same run: ratios, targets and pass by hand; nulls written")
    func figures() throws {
        // bare 5,000/s, static 4,000/s, /healthz 2,000/s, intake 500/s (3 failed of 5,003): 0.25 < 0.30; 2,000 / 5,000 = 0.4 < 0.5
        let figures = BenchCommand.figures(
            bare: Self.phase(50_000, seconds: 10), static: Self.phase(40_000, seconds: 10), healthz: Self.phase(20_000, seconds: 10),
            intake: Self.phase(5_003, seconds: 10, p99: 2_583, failures: 3), paced: Self.phase(4_000, seconds: 10, p99: 30))
        let byName = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0) })
        let vs = try #require(byName["intake rate vs /healthz"])
        #expect(vs.value == 500 && vs.baseline == 2_000 && vs.ratio == 0.25 && vs.pass == false)
        let middleware = try #require(byName["middleware overhead: /healthz vs the bare route"])
        #expect(middleware.baseline == 5_000 && middleware.ratio == 0.4 && middleware.pass == false)
        #expect(byName["/healthz vs static"]?.ratio == 0.5)
        #expect(byName["intake p99 at 80 % of its top rate"]?.value == 30 && byName["intake p99 at 80 % of its top rate"]?.pass == false)
        #expect(byName["intake paced rate (asked: 80 % of its top rate)"]?.value == 400 && byName["intake paced rate (asked: 80 % of its top rate)"]?.ratio == 0.8)
        #expect(byName["intake failures"]?.value == 3 && byName["intake failures"]?.pass == false)
        #expect(byName["intake p99"]?.value == 2_583 && byName["healthz p99"]?.value == 2, "each phase's p99 is kept, not only the paced one's")
        #expect(byName["healthz failures"]?.pass == true)
        #expect(byName["intake cases acknowledged"]?.value == 9_000.0)
        let json = String(decoding: try JSONEncoder().encode(try #require(byName["static rate"])), as: UTF8.self)
        #expect(json.contains("\"baseline\":null") && json.contains("\"pass\":null"))
        // A server without the bare route: no middleware figure, the rest as before.
        let without = BenchCommand.figures(
            bare: nil, static: Self.phase(1, seconds: 1), healthz: Self.phase(1, seconds: 1), intake: Self.phase(1, seconds: 1), paced: Self.phase(1, seconds: 1))
        #expect(!without.contains { $0.name.hasPrefix("middleware") || $0.name.hasPrefix("bare") })
    }

    @Test("wrk's result line is read back: non-2xx and refused requests are failures, rates count only answers")
    func wrkOutput() throws {
        let out = "Running 2s test @ http://127.0.0.1:1/\n  1 threads and 4 connections\nRESULT 100 2 1 2000000 1.500 9.250\n"
        let p = try #require(Wrk.parse(out, name: "x"))
        #expect(p.count == 101 && p.failures == 3 && p.seconds == 2 && p.rate == 49 && p.p50 == 1.5 && p.p99 == 9.25)
        #expect(Wrk.parse("Running 2s test\nunable to connect", name: "x") == nil)
        let script = Wrk.intakeScript(key: "k&1", service: "a.b", delayMS: 25)
        #expect(script.contains("api_key=k%261") && script.contains("%E6%80%A7") && script.contains("delay = function() return 25 end"))
        #expect(!Wrk.intakeScript(key: "k", service: "a.b", delayMS: nil).contains("delay"))
    }

    @Test("point → grid: the figures of a small run have their baselines and targets, and the index agreed with the scan")
    func geo() throws {
        let figures = try BenchCommand.geoFigures(lookups: 3_000, scanned: 1_000)
        #expect(figures.count == 2 && figures.allSatisfy { $0.value > 0 && $0.pass != nil })
        let vs = try #require(figures.last)
        #expect((vs.baseline ?? 0) > 0 && (vs.ratio ?? 0) > 0)
        #expect(BenchCommand.benchDistrict().count == 1_000)
    }

    @Test("the bare route exists only when the benchmark asks for it", arguments: [TestDatabase.sqlite])
    func bareRouteIsOff(kind: TestDatabase) async throws {
        #expect(BareRoute.isEnabled(["WANGGE_BENCH_BARE": "1"]) && !BareRoute.isEnabled([:]) && !BareRoute.isEnabled(["WANGGE_BENCH_BARE": "yes"]))
        try await withApp(kind, demo: false) { app in
            try await app.test(.GET, BareRoute.path) { res async in #expect(res.status == .notFound) }
        }
    }
}
