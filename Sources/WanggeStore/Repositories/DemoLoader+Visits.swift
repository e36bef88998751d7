import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

extension DemoLoader {
    /// The grid's home visits of the last year, by its grid workers, and care archives of some of
    /// its elders (`DemoVisits`), written in the grid's transaction.
    static func writeVisits(
        _ p: DemoGridPopulation, staff: [DemoStaff], gridID: UUID, config: DemoConfig, households: [String: UUID], residents: [String: UUID],
        on sql: any SQLDatabase, cipher: FieldCipher, now: Date
    ) async throws {
        let bulk = BulkWriter(sql: sql)
        let visitors = staff.filter { $0.kindKey.hasPrefix("grid_worker") || $0.kindKey == "proxy_agent" }.map(\.name)
        let empty = cipher.encrypt("[]")
        var rows: [[any Encodable & Sendable]] = []
        for (i, v) in DemoVisits.visits(for: p, config: config).enumerated() {
            guard let household = households[v.householdNumber] else { continue }
            let at = ChinaTime.calendar.date(from: DateComponents(year: v.day.year, month: v.day.month, day: v.day.day, hour: 10)) ?? now
            let visitor = visitors.isEmpty ? "demo" : visitors[i % visitors.count]
            rows.append([UUID(), household, gridID, VisitState.recorded.rawValue, v.day.description, at, visitor, v.seen, "[]", "[]", empty, empty, at, at])
        }
        try await bulk.insert(
            into: "home_visits",
            columns: ["id", "household_id", "unit_id", "state", "day", "visited_at", "visitor_name", "seen", "met", "needs", "changes", "problems", "created_at", "updated_at"],
            rows: rows)
        var care: [[any Encodable & Sendable]] = []
        for c in DemoVisits.care(for: p, config: config) {
            guard let resident = residents[c.residentCode] else { continue }
            let notes = CareNotes(
                needs: c.needs, homeCare: c.homeCare, health: c.health, contacts: [CareContact(name: c.contactName, relation: c.contactRelation, phone: c.contactPhone)])
            care.append([UUID(), resident, gridID, c.frequency.rawValue, cipher.encrypt(try VisitRepository.json(notes)), "demo", now, now])
        }
        try await bulk.insert(
            into: "care_archives", columns: ["id", "resident_id", "unit_id", "frequency", "notes", "updated_by", "updated_at", "created_at"], rows: care)
    }
}
