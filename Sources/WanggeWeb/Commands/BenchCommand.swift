import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge bench --url URL --key API_KEY`: measures a running server. Three
/// phases of the same length and concurrency: a static asset (no database), `/healthz` (one
/// trivial query) and durable case intake through Open311 POST; prints each rate and intake's
/// rate as a ratio of the two GET rates, so the result holds on any machine. Run by
/// `scripts/bench.sh`, which starts a fresh server for it.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "url", help: "Base URL of the server to measure (default http://127.0.0.1:8080)")
        var url: String?
        @Option(name: "key", help: "An Open311 API key (wangge apikey create --name bench)")
        var key: String?
        @Option(name: "seconds", help: "Seconds per phase (default 10)")
        var seconds: Double?
        @Option(name: "concurrency", help: "Requests in flight at once (default 32)")
        var concurrency: Int?
        @Option(name: "service", help: "Open311 service_code to report under (default city_appearance.exposed_garbage)")
        var service: String?
        @Option(name: "out", help: "Also write the figures as JSON to this file (the shape BENCHMARKS.md documents)")
        var out: String?
    }

    /// One figure of the results file: its value, and where it has them its baseline measured in the
    /// same run, the ratio to it, the target and whether it was met.
    struct Figure: Codable, Equatable {
        var name: String
        var value: Double
        var unit: String
        var baseline: Double?
        var ratio: Double?
        var target: String?
        var pass: Bool?

        /// Every key is written, null where a figure has no baseline or target, like bench-district.py's.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(value, forKey: .value)
            try c.encode(unit, forKey: .unit)
            try c.encode(baseline, forKey: .baseline)
            try c.encode(ratio, forKey: .ratio)
            try c.encode(target, forKey: .target)
            try c.encode(pass, forKey: .pass)
        }
    }

    /// Intake's target as a ratio of the same server's /healthz rate, and its p99 limit in ms (issue 16).
    static let intakeRatioTarget = 0.30
    static let intakeP99Target = 25.0

    /// The figures of a run: each phase's rate and latencies, intake's rate against the GET rates.
    static func figures(static s: Phase, healthz h: Phase, intake i: Phase) -> [Figure] {
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        var out: [Figure] = []
        for (key, p) in [("static", s), ("healthz", h), ("intake", i)] {
            out.append(Figure(name: "\(key) rate", value: rounded(p.rate), unit: "req/s"))
            out.append(Figure(name: "\(key) p50", value: rounded(p.percentile(0.5) * 1000), unit: "ms"))
            out.append(Figure(name: "\(key) failures", value: Double(p.failures), unit: "responses", target: "0", pass: p.failures == 0))
        }
        let p99 = i.percentile(0.99) * 1000
        out.append(Figure(name: "intake p99", value: rounded(p99), unit: "ms", target: "<= \(Int(intakeP99Target)) ms", pass: p99 <= intakeP99Target))
        let ratio = h.rate > 0 ? i.rate / h.rate : 0
        out.append(
            Figure(
                name: "intake rate vs /healthz", value: rounded(i.rate), unit: "req/s", baseline: rounded(h.rate), ratio: rounded(ratio),
                target: ">= \(intakeRatioTarget)", pass: ratio >= intakeRatioTarget))
        out.append(
            Figure(
                name: "middleware overhead: /healthz vs static", value: rounded(h.rate), unit: "req/s", baseline: rounded(s.rate),
                ratio: s.rate > 0 ? rounded(h.rate / s.rate) : nil))
        return out
    }

    var help: String { "Measure a running server: static GET, /healthz and durable case intake, reported as ratios" }

    struct Phase: Sendable {
        var name: String
        var count = 0
        var failures = 0
        var firstFailure: String?
        var latencies: [Double] = []
        var seconds = 0.0
        var rate: Double { seconds > 0 ? Double(count) / seconds : 0 }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let sorted = latencies.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let base = (signature.url ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let seconds = max(1, signature.seconds ?? 10)
        let concurrency = max(1, signature.concurrency ?? 32)
        guard let key = signature.key, !key.isEmpty else { throw StoreError(.invalid, "bench.key_required", field: "key") }
        let service = signature.service ?? "city_appearance.exposed_garbage"
        let client = context.application.client
        let console = context.console

        let css = try await client.get(URI(string: base + SiteURL.asset("app.css").path))
        guard css.status == .ok else { throw StoreError(.invalid, "bench.unreachable", [base]) }

        let phases: [(String, @Sendable (Int) async throws -> Bool)] = [
            (L10n.t("bench.phase.static"), { _ in try await client.get(URI(string: base + SiteURL.asset("app.css").path)).status == .ok }),
            (L10n.t("bench.phase.healthz"), { _ in try await client.get(URI(string: base + SiteURL.healthz.path)).status == .ok }),
            (
                L10n.t("bench.phase.intake"),
                { n in
                    let response = try await client.post(URI(string: base + "/open311/v2/requests.json")) { req in
                        try req.content.encode(
                            [
                                "api_key": key, "service_code": service, "address_string": "性能测试地址 \(n)",
                                "description": "性能测试：路边垃圾堆积 \(n)",
                            ], as: .urlEncodedForm)
                    }
                    return response.status == .ok || response.status == .created
                }
            ),
        ]
        var results: [Phase] = []
        for (name, call) in phases {
            let phase = try await Self.measure(name, seconds: seconds, concurrency: concurrency, console: console, call)
            results.append(phase)
        }
        console.print(L10n.t("bench.header", Int(seconds), concurrency))
        for p in results {
            console.print(
                String(
                    format: "  %@  %8.1f /s   p50 %6.1f ms   p99 %7.1f ms   %@", p.name, p.rate, p.percentile(0.5) * 1000,
                    p.percentile(0.99) * 1000, L10n.t("bench.failures", p.failures)))
            if let f = p.firstFailure { console.print("    \(f)") }
        }
        let intake = results[2].rate
        console.print(String(format: "%@ %.2f", L10n.t("bench.ratio.static"), results[0].rate > 0 ? intake / results[0].rate : 0))
        console.print(String(format: "%@ %.2f", L10n.t("bench.ratio.healthz"), results[1].rate > 0 ? intake / results[1].rate : 0))
        if let out = signature.out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(Self.figures(static: results[0], healthz: results[1], intake: results[2]))
            try data.write(to: URL(fileURLWithPath: out))
        }
        if results.contains(where: { $0.failures > 0 }) { throw ExitCode(1) }
    }

    /// Runs `call` from `concurrency` tasks for `seconds`, with a progress line once a second.
    static func measure(
        _ name: String, seconds: Double, concurrency: Int, console: any Console,
        _ call: @escaping @Sendable (Int) async throws -> Bool
    ) async throws -> Phase {
        let start = Date()
        let end = start.addingTimeInterval(seconds)
        let bar = ProgressBar(name)
        let ticker = Task {
            while !Task.isCancelled {
                bar.update(min(Int(Date().timeIntervalSince(start)), Int(seconds)), Int(seconds))
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { ticker.cancel() }
        var phase = Phase(name: name)
        try await withThrowingTaskGroup(of: Phase.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine = Phase(name: name)
                    var n = worker * 1_000_000
                    while Date() < end {
                        n += 1
                        let t = Date()
                        let ok: Bool
                        do { ok = try await call(n) } catch {
                            ok = false
                            if mine.firstFailure == nil { mine.firstFailure = String(describing: error) }
                        }
                        mine.latencies.append(Date().timeIntervalSince(t))
                        if ok { mine.count += 1 } else { mine.failures += 1 }
                    }
                    return mine
                }
            }
            for try await part in group {
                phase.count += part.count
                phase.failures += part.failures
                phase.latencies += part.latencies
                phase.firstFailure = phase.firstFailure ?? part.firstFailure
            }
        }
        phase.seconds = Date().timeIntervalSince(start)
        bar.update(Int(seconds), Int(seconds))
        return phase
    }
}
