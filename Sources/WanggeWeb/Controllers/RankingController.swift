import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// Assessment and rankings (A2): `/rankings?unit=&month=&mode=` scores the grids and communities
/// under a unit in scope from the month's roll-ups (`Scoring`, weights in `ScoringConfig`), lists the
/// monthly 红黑榜 and the 十佳网格员 / 十佳代办员. Units with too few cases are listed, not ranked.
enum RankingController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.rankings().pattern, use: show)
    }

    /// One level's table: ranked units best first, and those 样本不足.
    struct Board {
        var level: UnitLevel
        var ranked: [(unit: UnitRow, score: Score)]
        var unranked: [(unit: UnitRow, score: Score)]
        /// Every unit of the board with its counters, for the participation figures shown whether weighted or not.
        var units: [(unit: UnitRow, counts: TallyCounts)] = []
    }

    /// A grid worker or proxy agent, scored on their own cases in the grid they serve.
    struct PersonRow {
        var person: RankedPerson
        var grid: UnitRow
        var score: Score
    }

    struct Model {
        var unit: UnitRow
        var lineage: [UnitRow]
        var month: MeasureMonth
        var config: ScoringConfig
        var boards: [Board]
        var gridWorkers: [PersonRow]
        var agents: [PersonRow]
        var today: SimpleDate
    }

    static let gridWorkerKinds = ["grid_worker_a", "grid_worker_b"]
    static let agentKinds = ["proxy_agent"]
    /// 十佳: the ten best.
    static let topPeople = 10

    /// `mode=points` (得分制, the default) or `mode=deductions` (扣分制); anything else is 400 naming `mode`.
    static func table(_ req: Request) throws -> ScoringWeights.Table {
        switch req.query[String.self, at: "mode"]?.trimmedOrNil {
        case nil, ScoringConfig.Mode.points.rawValue?: return .points
        case ScoringConfig.Mode.deductions.rawValue?: return .deductions
        default: throw BadParameter("mode", expected: "points, deductions")
        }
    }

    /// The unit asked for (the viewer's own by default) and the month; 404 outside scope, 400 for a bad month.
    static func read(_ req: Request) async throws -> Model {
        let v = try req.requireMeasureReader()
        let table = try table(req)
        let today = SimpleDate(req.now)
        let monthText = req.query[String.self, at: "month"]?.trimmedOrNil
        let month: MeasureMonth
        if let monthText {
            guard let m = MeasureMonth(monthText) else { throw BadParameter("month", expected: "YYYY-MM") }
            month = m
        } else {
            month = MeasureMonth(today)
        }
        // No unit asked for: the viewer's own, found by `query`'s one read.
        let unitID = try MeasureQuery.unit(req)
        // The month is scored with the weights in effect for it, so an edit never rewrites a month gone by.
        let weights = try await ScoringWeightsRepository(req.db).config(table, for: month)
        return try await query(
            on: req.db, unit: unitID, month: month, config: weights.config, scope: v.scope, today: today, tallies: req.application.tallyCache)
    }

    static func show(req: Request) async throws -> Response {
        let model = try await read(req)
        return Layout.response(req, RankingPages.page(model), title: L10n.t("rank.title", model.unit.name, model.month.description))
    }

    static func query(
        on db: any Database, unit id: UUID?, month: MeasureMonth, config: ScoringConfig, scope: Scope, today: SimpleDate, tallies: TallyCache? = nil
    ) async throws -> Model {
        let measures = MeasureRepository(db, tallies: tallies), ranking = RankingRepository(db)
        let unit = try await measures.unit(id, in: scope)
        let period = month.period
        var boards: [Board] = []
        var gridScores: [UUID: (unit: UnitRow, score: Score)] = [:]
        // Both levels' counters in one read: the grids' register and participation rows are summed
        // into the communities' in the same pass.
        var levels: [(level: UnitLevel, units: [UnitRow])] = []
        for level in [UnitLevel.community, .grid] where unit.level < level {
            let units = try await ranking.units(under: unit, level: level, in: scope)
            if !units.isEmpty { levels.append((level, units)) }
        }
        let counts = try await measures.totals(of: levels.flatMap(\.units), period)
        for (level, units) in levels {
            let byID = Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0) })
            let result = Scoring.rank(units.map { (id: $0.id, name: $0.name, counts: counts[$0.id] ?? TallyCounts()) }, config: config)
            let board = Board(
                level: level, ranked: result.ranked.compactMap { r in byID[r.id].map { (unit: $0, score: r.score) } },
                unranked: result.unranked.compactMap { r in byID[r.id].map { (unit: $0, score: r.score) } },
                units: units.map { (unit: $0, counts: counts[$0.id] ?? TallyCounts()) })
            if level == .grid { for r in board.ranked + board.unranked { gridScores[r.unit.id] = r } }
            boards.append(board)
        }
        // A person is scored on their own cases (those they took a step on), with the same weights
        // and the same minimum n as a unit; people with too few cases are not listed. Grid workers and
        // proxy agents are found with their own cases, from their roll-up (`PersonTallies`), in one read.
        let everyone = try await ranking.people(of: Array(gridScores.keys), kinds: gridWorkerKinds + agentKinds, month: month)
        func people(_ kinds: [String]) -> [PersonRow] {
            everyone.filter { kinds.contains($0.kindKey) }.compactMap { p -> PersonRow? in
                guard let g = gridScores[p.gridID] else { return nil }
                let score = Scoring.score(p.own, config: config)
                return score.isRanked ? PersonRow(person: p, grid: g.unit, score: score) : nil
            }
            .sorted { a, b in
                let x = a.score.total ?? 0, y = b.score.total ?? 0
                return x != y ? x > y : a.person.steps != b.person.steps ? a.person.steps > b.person.steps : a.person.name < b.person.name
            }
            .prefix(topPeople).map { $0 }
        }
        return Model(
            unit: unit, lineage: try await UnitRepository(db).lineage(of: unit, in: scope), month: month, config: config, boards: boards,
            gridWorkers: people(gridWorkerKinds), agents: people(agentKinds), today: today)
    }
}
