import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The rankings' weights as data (`/rankings/weights`): each table's versions with the month each
/// takes effect from, and a form for a new version. Who may: those who configure cases for a whole
/// district (the weights are shared, like the categories). A version starts in the current month or
/// later, so a month already scored keeps its weights; every save is audited with the old and new
/// formula, and a refused form comes back with each problem beside its field (422), nothing saved.
enum WeightsController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.scoringWeights.pattern, use: index)
        pages.post(SiteURL.scoringWeightsTable("key").pattern, use: save)
    }

    /// One table as the page shows it.
    struct TableModel {
        var table: ScoringWeights.Table
        var current: WeightsVersion
        var versions: [WeightsVersion]
        /// The form's values (after a refusal, as typed) and its problems.
        var values: [String: String]
        var problems: CaseSetupPages.Problems
    }

    static func index(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        return try await render(req, failed: nil, status: .ok)
    }

    static func render(_ req: Request, failed: (table: ScoringWeights.Table, values: [String: String], problems: CaseSetupPages.Problems)?, status: HTTPStatus)
        async throws -> Response
    {
        let repo = ScoringWeightsRepository(req.db)
        let month = MeasureMonth(SimpleDate(req.now))
        var tables: [TableModel] = []
        for table in ScoringWeights.Table.allCases {
            let current = try await repo.config(table, for: month)
            let mine = failed?.table == table
            tables.append(
                TableModel(
                    table: table, current: current, versions: try await repo.versions(table),
                    values: mine ? failed?.values ?? [:] : WeightsPages.values(current.config, from: month), problems: mine ? failed?.problems ?? [:] : [:]))
        }
        let body = WeightsPages.page(tables, month: month, csrf: CSRF.token(req), notice: CaseSetupController.takeNotice(req))
        return try await CaseSetupController.render(req, body, title: L10n.t("weights.title"), status: status)
    }

    static func save(req: Request) async throws -> Response {
        _ = try CaseSetupController.require(req, district: true)
        guard let table = req.parameters.get("key").flatMap(ScoringWeights.Table.init(rawValue:)) else { throw Abort(.notFound) }
        let form = try req.content.decode([String: String].self).filter { $0.key != CSRF.field }
        let (config, month, unreadable) = WeightsPages.read(form, table: table)
        do {
            guard unreadable.isEmpty, let month else { throw ValidationFailure(problems: unreadable) }
            let repo = ScoringWeightsRepository(req.db)
            let before = try await repo.config(table, for: month)
            let detail = AuditDetail([
                "table": table.rawValue, "from": month.description, "was": RankingPages.formulaText(before.config),
                "now": RankingPages.formulaText(config),
            ]).text
            let name = req.auditActor.name
            try await repo.save(
                table, config, from: month, by: name, at: req.now, audit: req.auditEntry("rankings.weights.save", object: "scoring_weights", table.rawValue, detail: detail),
                chain: req.keys.audit)
            req.session.data[SessionKeys.notice] = "weights.saved"
            return req.redirect(to: SiteURL.scoringWeights.path, redirectType: .normal)
        } catch let failure as ValidationFailure {
            return try await render(req, failed: (table, form, CaseSetupPages.problems(failure)), status: .unprocessableEntity)
        }
    }
}
