import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// The counters of participation (`Tally.fromParticipation`), read from the party overlay, the
/// service market and the volunteer register for a period: each counted per unit in one grouped
/// query over the units under those asked about, and summed up the tree (`TreeSums`).
///
/// - 报到党员: members registered to a grid on or before the period's last day; serving ones have
///   at least one service entry dated in the period.
/// - 服务市场评单: orders placed in the period (as the market's own figures count them) and rated,
///   and of those rated 满意 or 基本满意.
/// - 志愿者: volunteers on the register by the period's end; active ones have hours recorded for a
///   day of the period (corrections included, so hours taken back do not count).
///
/// Each instance keeps these counts until the participation stamp moves (`TallyCache`), and an UPDATE
/// moves it only when it sets a column in `UpdateTallyStampsByColumn`'s list for its table: a column
/// read here that is not in that list needs a migration that adds it, or a kept count goes stale.
enum ParticipationTallies {
    static func counts(for places: [RegisterTallies.Place], _ period: MeasurePeriod, on sql: any SQLDatabase) async throws -> [UUID: TallyCounts] {
        guard !places.isEmpty else { return [:] }
        let under = RegisterTallies.commonPrefix(places.map(\.path))
        let (from, to) = (period.from.description, period.to.description)
        let (start, end) = (period.from.startOfDayInChina, period.to.adding(days: 1).startOfDayInChina)
        let tree = TreeSums(places)
        var out: [UUID: TallyCounts] = [:]
        func read(_ query: SQLQueryString, _ first: Tally, _ second: Tally) async throws {
            let byPlace = try tree.sum(try await tree.read(query, sums: ["a", "b"], on: sql)) { row in
                TallyCounts([first: try row.decode(column: "a", as: Int.self), second: try row.decode(column: "b", as: Int.self)])
            }
            for (id, counts) in byPlace { out[id, default: TallyCounts()] += counts }
        }
        try await read(
            """
            SELECT u.path, COUNT(*) AS a, CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM party_service s WHERE s.member_id = m.id \
            AND s.day >= \(bind: from) AND s.day <= \(bind: to)) THEN 1 ELSE 0 END) AS BIGINT) AS b \
            FROM party_members m JOIN units u ON u.id = m.unit_id WHERE \(Scope.under("u.path", under)) AND m.registered_on <= \(bind: to) GROUP BY u.path
            """, .partyMembers, .partyMembersServing)
        try await read(
            """
            SELECT u.path, COUNT(*) AS a, CAST(SUM(CASE WHEN o.rating IN (\(binds: MarketRating.allCases.filter(\.countsAsSatisfied).map(\.rawValue))) \
            THEN 1 ELSE 0 END) AS BIGINT) AS b \
            FROM market_orders o JOIN units u ON u.id = o.unit_id WHERE \(Scope.under("u.path", under)) AND o.rating IS NOT NULL \
            AND o.ordered_at >= \(bind: start) AND o.ordered_at < \(bind: end) GROUP BY u.path
            """, .marketRated, .marketSatisfied)
        try await read(
            """
            SELECT u.path, COUNT(*) AS a, CAST(SUM(CASE WHEN (SELECT SUM(r.minutes) FROM volunteer_records r WHERE r.volunteer_id = v.id \
            AND r.kind IN (\(binds: [VolunteerRecordKind.hours.rawValue, VolunteerRecordKind.correction.rawValue])) AND r.day >= \(bind: from) AND r.day <= \(bind: to)) > 0 THEN 1 ELSE 0 END) AS BIGINT) AS b \
            FROM volunteers v JOIN units u ON u.id = v.unit_id WHERE \(Scope.under("u.path", under)) AND v.created_at < \(bind: end) GROUP BY u.path
            """, .volunteers, .volunteersActive)
        return out.filter { !$0.value.isZero }
    }
}
