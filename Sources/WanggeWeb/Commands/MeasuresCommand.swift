import Fluent
import Foundation
import Vapor
import WanggeCore
import WanggeStore

/// `wangge measures rebuild | freeze YYYY-MM | bench`: recount the roll-ups of the months not frozen
/// from the cases (set-based), freeze a month that has ended, or compare reading a dashboard's
/// figures from the roll-ups with counting them from the cases (GROUP BY) for every unit.
struct MeasuresCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rebuild, freeze or bench")
        var action: String
        @Option(name: "month", help: "The month to freeze, or to measure with bench (YYYY-MM)")
        var month: String?
        @Option(name: "rounds", help: "bench: how many times each unit is read (default 5)")
        var rounds: Int?
    }

    var help: String { "Measures: rebuild the roll-ups from the cases, freeze a month, or benchmark roll-up reads against counting cases" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "rebuild":
            let started = Date()
            let months = try await MeasureRollup.rebuild(app.db)
            context.console.print(L10n.both("measures.rebuilt", [String(months)]) + String(format: " (%.1f s)", Date().timeIntervalSince(started)))
        case "freeze":
            guard let raw = signature.month, let month = MeasureMonth(raw) else { throw BadParameter("month", expected: "YYYY-MM") }
            try await MeasureMonths.freeze(month, by: "wangge measures freeze", at: Date(), on: app.db)
            context.console.print(L10n.both("measures.frozen", [month.description]))
        case "bench":
            try await bench(context, month: signature.month, rounds: max(1, signature.rounds ?? 5))
        default:
            throw BadParameter("action", expected: "rebuild, freeze, bench")
        }
    }

    /// Reads every unit's totals for a period both ways and prints the time each took and the ratio.
    /// The two answers are also compared, so a benchmark run doubles as a consistency check.
    func bench(_ context: CommandContext, month: String?, rounds: Int) async throws {
        let db = context.application.db
        let period: MeasurePeriod
        if let month {
            guard let m = MeasureMonth(month) else { throw BadParameter("month", expected: "YYYY-MM") }
            period = m.period
        } else {
            let today = SimpleDate(Date())
            period = MeasurePeriod(from: today.adding(days: -364), to: today)!
        }
        let repo = MeasureRepository(db)
        let units = try await UnitRepository(db).all(in: .everything).filter { $0.level <= .grid }
        var rollup = 0.0, naive = 0.0, differing = 0
        for unit in units {
            for _ in 0..<rounds {
                let a = Date()
                let fast = try await repo.totals(unit.id, period)
                let b = Date()
                let slow = try await repo.recount(unit, period)
                let c = Date()
                rollup += b.timeIntervalSince(a)
                naive += c.timeIntervalSince(b)
                var perCase = TallyCounts()
                for t in Tally.perCase { perCase[t] = fast[t] }
                if perCase != slow { differing += 1 }
            }
        }
        let reads = Double(units.count * rounds)
        let timing = String(
            format: "roll-up %.2f ms/read, GROUP BY over cases %.2f ms/read, ratio %.1f×", rollup / reads * 1000, naive / reads * 1000,
            naive / max(rollup, 1e-9))
        context.console.print("units \(units.count), period \(period.from)..\(period.to), reads \(Int(reads)): \(timing), differing \(differing)")
    }
}
