import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// `GET /api/v1/rankings?unit=&month=&mode=`: the month's scores of the grids and communities under
/// a unit in scope, the units not ranked for too few cases, and the 十佳网格员 / 十佳代办员 — the
/// same model the `/rankings` page shows.
enum RankingsAPI {
    struct Part: Content {
        var measure: String
        var name: String
        var display: String
        var numerator: Int
        var denominator: Int
        var n: Int
        /// 得分制: the good share at its Wilson lower bound; 扣分制: the cases that fell short.
        var basis: Double
        var points: Double
    }

    struct Entry: Content {
        /// 1 for the best; null when not ranked (n below the minimum).
        var rank: Int?
        var unit: UUID
        var name: String
        var score: Double?
        var n: Int
        var parts: [Part]
    }

    struct Board: Content {
        var level: String
        var ranked: [Entry]
        var insufficient: [Entry]
    }

    struct Person: Content {
        var rank: Int
        var name: String
        var kind: String
        var grid: UUID
        var gridName: String
        var score: Double?
        var n: Int
        var steps: Int
    }

    struct Rule: Content {
        var measure: String
        var points: Double
    }

    struct Answer: Content {
        var unit: UUID
        var unitName: String
        var month: String
        var mode: String
        var formula: String
        var minimumN: Int
        var rules: [Rule]
        var boards: [Board]
        var gridWorkers: [Person]
        var proxyAgents: [Person]
    }

    static func entry(_ r: (unit: UnitRow, score: Score), rank: Int?) -> Entry {
        Entry(
            rank: rank, unit: r.unit.id, name: r.unit.name, score: r.score.total, n: r.score.n,
            parts: r.score.parts.map { p in
                Part(
                    measure: p.measure.id, name: L10n.t(p.measure.nameKey), display: p.value.display, numerator: p.value.numerator,
                    denominator: p.value.denominator, n: p.value.n, basis: (p.basis * 100_000).rounded() / 100_000, points: (p.points * 100).rounded() / 100)
            })
    }

    static func people(_ list: [RankingController.PersonRow]) -> [Person] {
        list.enumerated().map { i, p in
            Person(
                rank: i + 1, name: p.person.name, kind: p.person.kindKey, grid: p.grid.id, gridName: p.grid.name, score: p.score.total, n: p.score.n,
                steps: p.person.steps)
        }
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("rankings") { req async throws -> Answer in
            let m = try await RankingController.read(req)
            return Answer(
                unit: m.unit.id, unitName: m.unit.name, month: m.month.description, mode: m.config.mode.rawValue,
                formula: RankingPages.formulaText(m.config), minimumN: m.config.minimumN,
                rules: m.config.rules.map { Rule(measure: $0.measure, points: $0.points) },
                boards: m.boards.map { b in
                    Board(
                        level: b.level.rawValue, ranked: b.ranked.enumerated().map { entry($1, rank: $0 + 1) },
                        insufficient: b.unranked.map { entry($0, rank: nil) })
                },
                gridWorkers: people(m.gridWorkers), proxyAgents: people(m.agents))
        }
    }
}
