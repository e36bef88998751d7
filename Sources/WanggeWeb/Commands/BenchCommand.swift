import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge bench --url URL --key API_KEY`: measures a running server with `wrk` (Debian) on
/// loopback, phases of the same length and connections: the bare route (a constant answered
/// before any middleware, when the server runs with `WANGGE_BENCH_BARE=1`), a static asset,
/// `/healthz` (one trivial query) and durable case intake through Open311 POST at full speed, then
/// intake again paced at 80 % of that rate for its p99. Every figure is reported with its baseline
/// from the same run, so the result holds on any machine. Run by `scripts/bench.sh`, which starts a
/// fresh server for it. `wangge bench --geo` measures point → grid lookups in-process instead.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "url", help: "Base URL of the server to measure (default http://127.0.0.1:8080)")
        var url: String?
        @Option(name: "key", help: "An Open311 API key (wangge apikey create --name bench)")
        var key: String?
        @Option(name: "seconds", help: "Seconds per phase (default 10)")
        var seconds: Double?
        @Option(name: "concurrency", help: "Connections wrk keeps open (default 32)")
        var concurrency: Int?
        @Option(name: "service", help: "Open311 service_code to report under (default city_appearance.exposed_garbage)")
        var service: String?
        @Option(name: "out", help: "Also write the figures as JSON to this file (the shape BENCHMARKS.md documents)")
        var out: String?
        @Flag(name: "geo", help: "Measure point → grid lookups in this process instead of a server")
        var geo: Bool
        @Option(name: "lookups", help: "With --geo: how many lookups the index makes (default 2,000,000)")
        var lookups: Int?
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

    /// Intake's target as a ratio of the same server's /healthz rate, its p99 limit in ms at 80 % of
    /// its top rate, and the middleware's target (/healthz against the bare route) (issue 16).
    static let intakeRatioTarget = 0.30
    static let intakeP99Target = 25.0
    static let middlewareTarget = 0.5
    static let pacedShare = 0.8

    /// What wrk measured in one phase: responses, the failed ones (non-2xx, refused, timed out), seconds, latencies in ms.
    struct Phase: Sendable, Equatable {
        var name: String
        var count = 0
        var failures = 0
        var seconds = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var rate: Double { seconds > 0 ? Double(count - failures) / seconds : 0 }
    }

    /// The figures of a run: each phase's rate and latencies, intake against /healthz, /healthz against the bare route.
    static func figures(bare: Phase?, static s: Phase, healthz h: Phase, intake i: Phase, paced: Phase) -> [Figure] {
        func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        var out: [Figure] = []
        for (key, p) in [("bare route", bare), ("static", s), ("healthz", h), ("intake", i)] {
            guard let p else { continue }
            out.append(Figure(name: "\(key) rate", value: rounded(p.rate), unit: "req/s"))
            out.append(Figure(name: "\(key) p50", value: rounded(p.p50), unit: "ms"))
            out.append(Figure(name: "\(key) p99", value: rounded(p.p99), unit: "ms"))
            out.append(Figure(name: "\(key) failures", value: Double(p.failures), unit: "responses", target: "0", pass: p.failures == 0))
        }
        out.append(
            Figure(
                name: "intake paced rate (asked: 80 % of its top rate)", value: rounded(paced.rate), unit: "req/s", baseline: rounded(i.rate),
                ratio: i.rate > 0 ? rounded(paced.rate / i.rate) : nil))
        out.append(Figure(name: "intake paced failures", value: Double(paced.failures), unit: "responses", target: "0", pass: paced.failures == 0))
        out.append(
            Figure(
                name: "intake p99 at 80 % of its top rate", value: rounded(paced.p99), unit: "ms", target: "<= \(Int(intakeP99Target)) ms",
                pass: paced.p99 <= intakeP99Target))
        let ratio = h.rate > 0 ? i.rate / h.rate : 0
        out.append(
            Figure(
                name: "intake rate vs /healthz", value: rounded(i.rate), unit: "req/s", baseline: rounded(h.rate), ratio: rounded(ratio),
                target: ">= \(intakeRatioTarget)", pass: ratio >= intakeRatioTarget))
        if let bare, bare.rate > 0 {
            let overhead = h.rate / bare.rate
            out.append(
                Figure(
                    name: "middleware overhead: /healthz vs the bare route", value: rounded(h.rate), unit: "req/s", baseline: rounded(bare.rate),
                    ratio: rounded(overhead), target: ">= \(middlewareTarget)", pass: overhead >= middlewareTarget))
        }
        // scripts/bench.sh sets this against the rows the database holds afterwards.
        out.append(Figure(name: "intake cases acknowledged", value: Double(i.count - i.failures + paced.count - paced.failures), unit: "cases"))
        out.append(
            Figure(
                name: "/healthz vs static", value: rounded(h.rate), unit: "req/s", baseline: rounded(s.rate), ratio: s.rate > 0 ? rounded(h.rate / s.rate) : nil))
        return out
    }

    var help: String { "Measure a running server with wrk: bare route, static GET, /healthz and durable case intake, as ratios; or --geo" }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.geo {
            let lookups = max(1_000, signature.lookups ?? 2_000_000)
            let figures = try Self.geoFigures(lookups: lookups, scanned: max(1_000, lookups / 100))
            for f in figures {
                let base = f.baseline.map { String(format: "  (%.0f, ×%.1f)", $0, f.ratio ?? 0) } ?? ""
                context.console.print(String(format: "  %@  %.0f %@%@", f.name, f.value, f.unit, base))
            }
            try Self.write(figures, to: signature.out)
            return
        }
        let base = (signature.url ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let seconds = max(1, signature.seconds ?? 10)
        let concurrency = max(1, signature.concurrency ?? 32)
        guard let key = signature.key, !key.isEmpty else { throw StoreError(.invalid, "bench.key_required", field: "key") }
        guard let wrk = Wrk.find() else { throw StoreError(.invalid, "bench.wrk_missing") }
        let service = signature.service ?? "city_appearance.exposed_garbage"
        let client = context.application.client
        let console = context.console

        let css = try await client.get(URI(string: base + SiteURL.asset("app.css").path))
        guard css.status == .ok else { throw StoreError(.invalid, "bench.unreachable", [base]) }
        let hasBare = try await client.get(URI(string: base + BareRoute.path)).status == .ok

        func phase(_ label: String, _ path: String, script: String, connections: Int, seconds time: Double? = nil) async throws -> Phase {
            let time = time ?? seconds
            return try await Self.progress(L10n.t(label), seconds: time) {
                try wrk.run(base + path, seconds: time, connections: connections, script: script, name: L10n.t(label))
            }
        }
        let bare = hasBare ? try await phase("bench.phase.bare", BareRoute.path, script: "", connections: concurrency) : nil
        let asset = try await phase("bench.phase.static", SiteURL.asset("app.css").path, script: "", connections: concurrency)
        let health = try await phase("bench.phase.healthz", SiteURL.healthz.path, script: "", connections: concurrency)
        let post = Wrk.intakeScript(key: key, service: service, delayMS: nil)
        let intake = try await phase("bench.phase.intake", "/open311/v2/requests.json", script: post, connections: concurrency)
        // Paced: each connection waits between requests so that together they ask for 80 % of the top
        // rate. A connection's cycle is its wait plus the answer's time, so a short run first measures
        // that time and the wait is shortened by it.
        let pacedConnections = min(concurrency, 32)
        let cycle = intake.rate > 0 ? Double(pacedConnections) * 1000 / (intake.rate * Self.pacedShare) : 100
        @Sendable func pacedScript(_ wait: Double) -> String { Wrk.intakeScript(key: key, service: service, delayMS: max(0, Int(wait.rounded()))) }
        let trial = try await phase(
            "bench.phase.paced", "/open311/v2/requests.json", script: pacedScript(cycle), connections: pacedConnections, seconds: min(3, seconds))
        let answer = trial.rate > 0 ? max(0, Double(pacedConnections) * 1000 / trial.rate - cycle) : 0
        let paced = try await phase("bench.phase.paced", "/open311/v2/requests.json", script: pacedScript(cycle - answer), connections: pacedConnections)

        console.print(L10n.t("bench.header", Int(seconds), concurrency))
        for p in [bare, asset, health, intake, paced].compactMap({ $0 }) {
            console.print(
                String(format: "  %@  %8.1f /s   p50 %6.1f ms   p99 %7.1f ms   %@", p.name, p.rate, p.p50, p.p99, L10n.t("bench.failures", p.failures)))
        }
        let figures = Self.figures(bare: bare, static: asset, healthz: health, intake: intake, paced: paced)
        for f in figures where f.ratio != nil {
            console.print(String(format: "  %@: %.2f%@", f.name, f.ratio ?? 0, f.target.map { " (\($0))" } ?? ""))
        }
        try Self.write(figures, to: signature.out)
        if [bare, asset, health, intake, paced].contains(where: { ($0?.failures ?? 0) > 0 }) { throw ExitCode(1) }
    }

    static func write(_ figures: [Figure], to out: String?) throws {
        guard let out else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(figures).write(to: URL(fileURLWithPath: out))
    }

    /// Runs `work` (a blocking wrk run) off the cooperative pool with a progress line once a second.
    static func progress(_ name: String, seconds: Double, _ work: @escaping @Sendable () throws -> Phase) async throws -> Phase {
        let start = Date()
        let bar = ProgressBar(name)
        let ticker = Task {
            while !Task.isCancelled {
                bar.update(min(Int(Date().timeIntervalSince(start)), Int(seconds)), Int(seconds))
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { ticker.cancel() }
        let result = try await withCheckedThrowingContinuation { (c: CheckedContinuation<Phase, any Error>) in
            Thread.detachNewThread { c.resume(with: Result { try work() }) }
        }
        bar.update(Int(seconds), Int(seconds))
        return result
    }
}

/// The load generator: Debian's `wrk`, one thread, its Lua hooks for the POST body, pacing and a
/// one-line result this parses.
struct Wrk: Sendable {
    let path: String

    static func find(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Wrk? {
        let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        return dirs.map { $0 + "/wrk" }.first { FileManager.default.isExecutableFile(atPath: $0) }.map(Wrk.init(path:))
    }

    static let report = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("RESULT %d %d %d %d %.3f %.3f\\n", summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
            summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
        end
        """

    /// Open311 POSTs, each with its own text (numbered), form-encoded; `delayMS` between a connection's requests when paced.
    static func intakeScript(key: String, service: String, delayMS: Int?) -> String {
        func form(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let fixed = "api_key=\(form(key))&service_code=\(form(service))&address_string=\(form("性能测试地址 "))"
        return """
            counter = 0
            request = function()
              counter = counter + 1
              local body = "\(fixed)" .. counter .. "&description=\(form("性能测试：路边垃圾堆积 "))" .. counter
              return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
            end
            \(delayMS.map { "delay = function() return \($0) end" } ?? "")
            """
    }

    /// Parses wrk's output: the RESULT line of `report`.
    static func parse(_ output: String, name: String) -> BenchCommand.Phase? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else { return nil }
        let f = line.split(separator: " ").dropFirst().map(String.init)
        guard f.count == 6, let n = Int(f[0]), let status = Int(f[1]), let other = Int(f[2]), let micros = Double(f[3]), let p50 = Double(f[4]),
            let p99 = Double(f[5])
        else { return nil }
        return BenchCommand.Phase(name: name, count: n + other, failures: status + other, seconds: micros / 1e6, p50: p50, p99: p99)
    }

    func run(_ url: String, seconds: Double, connections: Int, script: String, name: String) throws -> BenchCommand.Phase {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-bench-\(UUID().uuidString).lua")
        try (script + "\n" + Self.report).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-t1", "-c\(connections)", "-d\(Int(seconds.rounded()))s", "--timeout", "10s", "-s", file.path, url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard let phase = Self.parse(output, name: name) else { throw StoreError(.invalid, "bench.wrk_failed", [output]) }
        return phase
    }
}
