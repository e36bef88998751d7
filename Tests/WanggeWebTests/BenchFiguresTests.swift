import Foundation
import Testing

@testable import WanggeWeb

@Suite("wangge bench: the figures file")
struct BenchFiguresTests {
    static func phase(_ count: Int, seconds: Double, latencies: [Double], failures: Int = 0) -> BenchCommand.Phase {
        var p = BenchCommand.Phase(name: "p")
        (p.count, p.seconds, p.latencies, p.failures) = (count, seconds, latencies, failures)
        return p
    }

    @Test("intake is set against /healthz in the same run: ratio, target and pass computed by hand; nulls written")
    func figures() throws {
        // static 4,000/s, /healthz 2,000/s, intake 500/s: ratio 0.25 < 0.30; p99 of 100 latencies of 10..1000 ms = 1000 ms
        let figures = BenchCommand.figures(
            static: Self.phase(40_000, seconds: 10, latencies: [0.001]), healthz: Self.phase(20_000, seconds: 10, latencies: [0.002]),
            intake: Self.phase(5_000, seconds: 10, latencies: (1...100).map { Double($0) / 100 }, failures: 3))
        let byName = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0) })
        let vs = try #require(byName["intake rate vs /healthz"])
        #expect(vs.value == 500 && vs.baseline == 2_000 && vs.ratio == 0.25 && vs.pass == false)
        #expect(byName["middleware overhead: /healthz vs static"]?.ratio == 0.5)
        #expect(byName["intake p99"]?.value == 1_000 && byName["intake p99"]?.pass == false)
        #expect(byName["intake failures"]?.value == 3 && byName["intake failures"]?.pass == false)
        #expect(byName["healthz failures"]?.pass == true)
        let json = String(decoding: try JSONEncoder().encode(try #require(byName["static rate"])), as: UTF8.self)
        #expect(json.contains("\"baseline\":null") && json.contains("\"pass\":null"))
    }
}
