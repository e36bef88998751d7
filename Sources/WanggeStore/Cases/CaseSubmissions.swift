import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Replay protection for report forms: the form's one-time token is written with the case it
/// made, in the case's own transaction, under a unique key (see `CreateCaseSubmissions`). A second
/// submission of the same token finds the first case here instead of making another.
extension CaseRepository {
    /// The case a submission token already made, if any. No scope: whoever holds the token sent
    /// the report, and the answer gives only what the sender's receipt gave (the tracking code).
    public func caseMade(bySubmission token: String) async throws -> CaseRow? {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: CaseRow.columns) FROM cases WHERE id = (SELECT case_id FROM case_submissions WHERE token = \(bind: token))
            """
        ).first().map(CaseRow.init(row:)).map(opened)
    }

    static func insertSubmissions(_ batch: [PreparedCase], on sql: any SQLDatabase) async throws {
        let used = batch.compactMap { p in p.submission.map { (token: $0, caseID: p.row.id, at: p.row.reportedAt) } }
        guard !used.isEmpty else { return }
        var insert = sql.insert(into: "case_submissions").columns("token", "case_id", "created_at")
        for u in used { insert = insert.values(SQLBind(u.token), SQLBind(u.caseID), SQLBind(u.at)) }
        try await insert.run()
    }
}
