import Testing
import WanggeStore

@Suite("InFlight: one computation per key at a time")
struct InFlightTests {
    actor Runs {
        var n = 0
        func add() { n += 1 }
    }

    struct Failed: Error {}

    /// A computation that waits until `open` is called, so callers can join it while it runs.
    final class Gate: Sendable {
        let stream: AsyncStream<Void>
        let continuation: AsyncStream<Void>.Continuation
        init() { (stream, continuation) = AsyncStream<Void>.makeStream() }
        func wait() async { for await _ in stream { return } }
        func open() { continuation.yield() }
    }

    static func joined(_ flights: InFlight<String, Int>, reach n: Int) async {
        while await flights.joined < n { await Task.yield() }
    }

    @Test("callers of one key while it runs share its one computation; another key runs its own")
    func shared() async throws {
        // setup
        let flights = InFlight<String, Int>()
        let runs = Runs()
        let gate = Gate()
        // MUT
        async let first = flights.value(for: "2026-11") {
            await runs.add()
            await gate.wait()
            return 42
        }
        while await flights.count == 0 { await Task.yield() }
        async let second = flights.value(for: "2026-11") {
            await runs.add()
            return 7
        }
        await Self.joined(flights, reach: 1)
        let other = try await flights.value(for: "2026-10") {
            await runs.add()
            return 5
        }
        gate.open()
        let (a, b) = try await (first, second)
        // validate
        #expect(a == 42 && b == 42 && other == 5)
        #expect(await runs.n == 2)
        #expect(await flights.count == 0)
        // Once done, nothing is kept: the next call computes again.
        #expect(try await flights.value(for: "2026-11") { 9 } == 9)
    }

    @Test("an error reaches every caller that waited; the next call starts afresh")
    func failure() async throws {
        // setup
        let flights = InFlight<String, Int>()
        let gate = Gate()
        // MUT
        async let first: Int = flights.value(for: "k") {
            await gate.wait()
            throw Failed()
        }
        while await flights.count == 0 { await Task.yield() }
        async let second: Int = flights.value(for: "k") { 1 }
        await Self.joined(flights, reach: 1)
        gate.open()
        // validate
        var failed = 0
        do { _ = try await first } catch is Failed { failed += 1 }
        do { _ = try await second } catch is Failed { failed += 1 }
        #expect(failed == 2)
        #expect(try await flights.value(for: "k") { 3 } == 3)
    }
}
