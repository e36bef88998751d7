import FluentKit
import SQLKit

/// The starting lists of staff kinds (G3: "10多类专兼职力量") and care/attention tags (B1).
/// They are rows so that an office can add its own without a release.
struct SeedReferenceData: AsyncMigration {
    static let staffKinds: [(String, String, String)] = [
        ("grid_worker_a", "网格员(A岗)", "Grid worker (A-post, patrol)"),
        ("grid_worker_b", "网格员(B岗)", "Grid worker (B-post, specialist)"),
        ("proxy_agent", "代办员", "Proxy agent"),
        ("police", "驻片民警", "Community police officer"),
        ("property", "物业人员", "Property staff"),
        ("medical", "医疗人员", "Medical staff"),
        ("forest_ranger", "护林员", "Forest ranger"),
        ("cleaner", "保洁员", "Cleaner"),
        ("volunteer", "志愿者", "Volunteer"),
        ("party_member", "在职党员", "In-service party member"),
    ]

    /// `sensitive` tags are shown only to roles whose work needs them (see `Role.seesSensitiveTags`).
    static let tags: [(String, String, String, Bool)] = [
        ("elderly60", "60岁以上老人", "Aged 60+", false),
        ("empty_nester", "空巢老人", "Empty-nest elderly", false),
        ("retired", "退休人员", "Retired", false),
        ("disabled", "残疾人", "Disabled", true),
        ("low_income", "低保户", "Minimum-subsistence household", true),
        ("veteran", "退役军人", "Veteran", false),
        ("minor_left_behind", "留守儿童", "Left-behind minor", true),
        ("released_prisoner", "刑满释放人员", "Released prisoner", true),
        ("floating", "流动人口", "Floating population", false),
    ]

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (i, kind) in Self.staffKinds.enumerated() {
            try await sql.insert(into: "staff_kinds")
                .columns("key", "name_zh", "name_en", "sort")
                .values(SQLBind(kind.0), SQLBind(kind.1), SQLBind(kind.2), SQLBind(i))
                .run()
        }
        for (i, tag) in Self.tags.enumerated() {
            try await sql.insert(into: "tags")
                .columns("key", "name_zh", "name_en", "sensitive", "sort")
                .values(SQLBind(tag.0), SQLBind(tag.1), SQLBind(tag.2), SQLBind(tag.3), SQLBind(i))
                .run()
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.delete(from: "tags").run()
        try await sql.delete(from: "staff_kinds").run()
    }
}
