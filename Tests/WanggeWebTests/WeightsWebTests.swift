import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("The rankings' weights as data: validation, audit, months keep their weights")
struct WeightsWebTests {
    static func audits(_ app: Application) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'rankings.weights.save'").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    static func rules(_ json: Any?) -> [String: Double] {
        var out: [String: Double] = [:]
        for r in (json as? [String: Any])?["rules"] as? [[String: Any]] ?? [] {
            if let m = r["measure"] as? String, let p = r["points"] as? Double { out[m] = p }
        }
        return out
    }

    @Test("a refused table names its fields with 422 and saves nothing; only a district's configurers may edit", arguments: TestDatabase.enabled)
    func validation(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            // setup
            var leader = try await Browser.login(app, as: "leader")
            let page = try await leader.get(SiteURL.scoringWeights.path)
            let month = MeasureMonth(SimpleDate(app.clock.now()))
            #expect(page.status == .ok)
            for t in ScoringWeights.Table.allCases { #expect(page.body.string.contains(HTML.escape(L10n.t(t.nameKey))), "\(t)") }
            let versions = try await ScoringWeightsRepository(app.db).versions(.points).count
            // MUT: points adding up to 90, a past month, a negative deduction, a minimum n of 0.
            let sum = try await leader.post(
                "/rankings/weights/points",
                form: ["effective_from": month.description, "points.on_time_closing": "60", "points.satisfaction": "30", "minimum_n": "10"])
            let past = try await leader.post(
                "/rankings/weights/points",
                form: ["effective_from": month.previous.description, "points.on_time_closing": "70", "points.satisfaction": "30", "minimum_n": "10"])
            let negative = try await leader.post(
                "/rankings/weights/deductions",
                form: ["effective_from": month.description, "points.rework": "-1", "base": "100", "minimum_n": "0"])
            let notNumber = try await leader.post(
                "/rankings/weights/departments", form: ["effective_from": "2026-13", "points.signing": "abc", "minimum_n": "10"])
            // validate
            #expect(sum.status == .unprocessableEntity && sum.body.string.contains(HTML.escape(L10n.t("weights.sum", "90", "100"))))
            #expect(past.status == .unprocessableEntity && past.body.string.contains(HTML.escape(L10n.t("weights.past_month", month.description))))
            let n = negative.body.string
            #expect(negative.status == .unprocessableEntity && n.contains(HTML.escape(L10n.t("weights.points_range", "10"))))
            #expect(n.contains(HTML.escape(L10n.t("weights.minimum_n_range", "1", "10000"))))
            #expect(notNumber.status == .unprocessableEntity && notNumber.body.string.contains(HTML.escape(L10n.t("weights.not_a_number"))))
            let after = try await ScoringWeightsRepository(app.db).versions(.points).count
            let audited = try await Self.audits(app)
            #expect(after == versions && audited == 0, "nothing half-written")
            // Not the street's operator, not a department.
            var op = try await Browser.login(app, as: "operator")
            let refused = try await op.get(SiteURL.scoringWeights.path)
            #expect(refused.status == .forbidden)
            var department = try await Browser.login(app, as: "department")
            _ = try await department.get("/cases")
            let post = try await department.post("/rankings/weights/points", form: ["effective_from": month.description, "minimum_n": "10"])
            #expect(post.status == .forbidden)
        }
    }

    @Test("a new version from next month is audited; this month keeps its weights, next month uses the new ones", arguments: TestDatabase.enabled)
    func effectiveFrom(kind: TestDatabase) async throws {
        try await withApp(kind) { app in
            var leader = try await Browser.login(app, as: "leader")
            _ = try await leader.get(SiteURL.scoringWeights.path)
            let month = MeasureMonth(SimpleDate(app.clock.now()))
            let saved = try await leader.post(
                "/rankings/weights/points",
                form: ["effective_from": month.next.description, "points.on_time_closing": "50", "points.satisfaction": "50", "minimum_n": "5"])
            #expect(saved.status == .seeOther)
            let audited = try await Self.audits(app)
            #expect(audited == 1)
            // This month: the seeded weights; next month: the new ones.
            let now = try await leader.api(.GET, "/api/v1/rankings?month=\(month.description)")
            let next = try await leader.api(.GET, "/api/v1/rankings?month=\(month.next.description)")
            #expect(Self.rules(now.json) == Dictionary(uniqueKeysWithValues: ScoringConfig.standard.rules.map { ($0.measure, $0.points) }))
            #expect(Self.rules(next.json) == ["on_time_closing": 50, "satisfaction": 50])
            #expect((next.json as? [String: Any])?["minimum_n"] as? Int == 5 && (now.json as? [String: Any])?["minimum_n"] as? Int == 10)
            // The page lists the version with who saved it.
            let page = try await leader.get(SiteURL.scoringWeights.path)
            #expect(page.body.string.contains(month.next.description) && page.body.string.contains(HTML.escape(L10n.t("weights.saved"))))
        }
    }
}
