import Foundation
import SQLKit
import WanggeCore

/// The counting rules of `CaseTallies` stated in SQL over a `cases` row (alias `c`) and its
/// events, for rebuilding the roll-ups set-based and for listing the cases behind a number.
/// A test holds these to the Swift rules: the roll-ups kept step by step must equal a recount.
enum TallySQL {
    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    /// The China-time day ("YYYY-MM-DD") of a timestamp column.
    static func day(_ column: String, _ sql: any SQLDatabase) -> String {
        isPostgres(sql) ? "to_char(\(column) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')" : "date(\(column) + 28800, 'unixepoch')"
    }

    /// A timestamp column cut to whole seconds since 1970 (as `CaseTallies.seconds` does).
    static func seconds(_ column: String, _ sql: any SQLDatabase) -> String {
        isPostgres(sql) ? "CAST(FLOOR(EXTRACT(EPOCH FROM \(column))) AS BIGINT)" : "CAST(\(column) AS INTEGER)"
    }

    static let due = "c.state NOT IN ('rejected', 'merged')"
    /// Closed and counted. Nine cases in ten end closed or called back, so the state says little about
    /// which rows to read: on SQLite it is written `+c.state`, which keeps the planner from walking the
    /// state index (the whole year) when the list's period or grid would read a month (2.7 s → 14 ms for
    /// a district's 按期结案 list at a million cases). PostgreSQL has no unary plus on text, nor the need.
    static func closed(_ sql: any SQLDatabase) -> String {
        "(\(due) AND c.closed_at IS NOT NULL AND \(unindexed("c.state", sql)) IN ('closed', 'called_back'))"
    }

    /// A column the SQLite planner must not choose an index by (a no-op on PostgreSQL).
    static func unindexed(_ column: String, _ sql: any SQLDatabase) -> String { isPostgres(sql) ? column : "+\(column)" }
    /// An event (alias `e`) that hands the case to a department to sign for (`StepFacts.isHandover`).
    static func handover(_ e: String) -> String { "\(e).to_state = 'dispatched' AND (\(e).from_state IS NULL OR \(e).from_state <> 'dispatched')" }

    /// Whether a case counts for `tally` (a condition over `c`); nil for the per-person, the registers' and participation's counters.
    static func condition(_ tally: Tally, _ sql: any SQLDatabase) -> String? {
        let limit = isPostgres(sql) ? "INTERVAL '\(Int(CaseTallies.signForLimit)) seconds'" : "\(Int(CaseTallies.signForLimit))"
        switch tally {
        case .reported: return "1 = 1"
        case .due: return due
        case .suspended: return "c.state = 'suspended'"
        case .closed: return closed(sql)
        case .closedOnTime: return "(\(closed(sql)) AND c.closed_at <= c.resolve_by)"
        case .solved: return "(\(closed(sql)) AND c.outcome = 'solved')"
        case .reworked: return "(\(due) AND c.rework_count > 0)"
        case .responded, .responseSeconds: return "c.responded_at IS NOT NULL"
        case .respondedOnTime: return "(c.responded_at IS NOT NULL AND c.responded_at <= c.respond_by)"
        case .resolutionSeconds: return closed(sql)
        case .rated: return "c.rating IS NOT NULL"
        case .satisfied: return "c.rating IN ('satisfied', 'basically_satisfied')"
        case .calledBack: return "(\(closed(sql)) AND \(unindexed("c.state", sql)) = 'called_back')"
        case .handovers: return "EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND \(handover("e")))"
        case .signedOnTime: return "(\(signedOnTime(limit: limit))) > 0"
        case .workSteps, .workers, .households, .householdsWithPeople, .householdsInGrids, .householdsVisited, .partyMembers, .partyMembersServing,
            .marketRated, .marketSatisfied, .volunteers, .volunteersActive:
            return nil
        }
    }

    /// What one case adds to `tally`, as an SQL expression over `c`.
    static func value(_ tally: Tally, _ sql: any SQLDatabase) -> String {
        let limit = isPostgres(sql) ? "INTERVAL '\(Int(CaseTallies.signForLimit)) seconds'" : "\(Int(CaseTallies.signForLimit))"
        switch tally {
        case .responseSeconds:
            return "CASE WHEN c.responded_at IS NOT NULL THEN \(seconds("c.responded_at", sql)) - \(seconds("c.reported_at", sql)) ELSE 0 END"
        case .resolutionSeconds:
            return "CASE WHEN \(closed(sql)) THEN \(seconds("c.closed_at", sql)) - \(seconds("c.reported_at", sql)) ELSE 0 END"
        case .handovers:
            return "(SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND \(handover("e")))"
        case .signedOnTime:
            return signedOnTime(limit: limit)
        default:
            return "CASE WHEN \(condition(tally, sql) ?? "1 = 0") THEN 1 ELSE 0 END"
        }
    }

    /// 签收 steps taken within the limit of the handover before them.
    static func signedOnTime(limit: String) -> String {
        """
        (SELECT COUNT(*) FROM case_events s WHERE s.case_id = c.id AND s.action = 'sign_for' AND s.at - (\
        SELECT MAX(h.at) FROM case_events h WHERE h.case_id = s.case_id AND h.seq < s.seq AND \(handover("h"))) <= \(limit))
        """
    }

    /// Pairs (grid_id, unit_id) of every unit and each unit at or above it: a case of grid g counts for each unit_id.
    static let chain = "(SELECT g.id AS grid_id, a.id AS unit_id FROM units g JOIN units a ON g.path LIKE a.path || '%')"
}
