import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// What the setup form says about a category: names, default department and time limits.
/// Hours are nil when the form held no number.
public struct CategorySettings: Sendable, Equatable {
    public var nameZh: String
    public var nameEn: String
    public var departmentKey: String
    public var respondHours: Double?
    public var resolveHours: Double?
    public var counting: String
    public var complex: Bool
    /// Grid workers may settle such cases on the spot (就地解决).
    public var onSpot: Bool
    /// 预警 after this share of a limit, in percent (50–95); nil keeps what the category has (80 for a new one).
    public var warnPercent: Int?

    public init(
        nameZh: String, nameEn: String, departmentKey: String, respondHours: Double?, resolveHours: Double?,
        counting: String, complex: Bool, onSpot: Bool = false, warnPercent: Int? = nil
    ) {
        self.onSpot = onSpot
        self.warnPercent = warnPercent
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.departmentKey = departmentKey
        self.respondHours = respondHours
        self.resolveHours = resolveHours
        self.counting = counting
        self.complex = complex
    }
}

/// A routing rule: cases of `categoryKey` in `unitID` and below go to `departmentKey`.
public struct RoutingRuleRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var categoryKey: String
    public var unitID: UUID
    public var departmentKey: String

    enum CodingKeys: String, CodingKey {
        case id
        case categoryKey = "category_key", unitID = "unit_id", departmentKey = "department_key"
    }
}

/// Keeps the case loop's reference data (C2): the category tree with each category's default
/// department and time limits, the department list, and the routing rules. Every check is made
/// before anything is written, and every change is one statement, so nothing is half-written.
/// Routing rules are read and changed only for units in the caller's scope.
public struct CaseSetupRepository: Sendable, SQLRepository {
    let db: any Database

    public init(_ db: any Database) { self.db = db }

    // MARK: Categories

    func category(_ key: String) async throws -> CategoryRow? {
        try await sql.raw("SELECT \(unsafeRaw: CategoryRow.columns) FROM case_categories WHERE key = \(bind: key)").first().map(CategoryRow.init(row:))
    }

    func keys(_ table: String) async throws -> Set<String> {
        Set(try await sql.raw("SELECT key FROM \(ident: table)").all().map { try $0.decode(column: "key", as: String.self) })
    }

    func nextSort(_ table: String) async throws -> Int {
        try await sql.raw("SELECT COALESCE(MAX(sort), 0) + 1 AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 1
    }

    /// The settings checked, with the problems of every field at once.
    func check(_ s: CategorySettings) async throws -> (problems: [FieldProblem], counting: HourCounting) {
        var problems =
            (CaseSetupRules.nameProblems(zh: s.nameZh.trimmingSpaces(), en: s.nameEn.trimmingSpaces())
            + CaseSetupRules.limitProblems(respond: s.respondHours, resolve: s.resolveHours)
            + (s.warnPercent.map { CaseSetupRules.warnPercentProblems($0) } ?? [])).map(FieldProblem.init)
        if try await sql.raw("SELECT key FROM departments WHERE key = \(bind: s.departmentKey)").first() == nil {
            problems.append(FieldProblem("department", "case.unknown_department"))
        }
        let counting = HourCounting(rawValue: s.counting)
        if counting == nil {
            problems.append(FieldProblem("counting", "field.not_one_of", [s.counting, HourCounting.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        return (problems, counting ?? .clock)
    }

    /// Adds a category under `parentKey` (nil for a new top-level class, which then needs `kind`;
    /// a child takes its parent's). `segment` is the last part of the key, or empty for a generated one.
    public func addCategory(parent parentKey: String?, segment: String, kind: String?, _ s: CategorySettings) async throws -> CategoryRow {
        var (problems, counting) = try await check(s)
        var parent: CategoryRow?
        if let parentKey {
            parent = try await category(parentKey)
            if parent == nil { problems.append(FieldProblem("parent", "case.setup.unknown_parent", [parentKey])) }
            if parent?.active == false { problems.append(FieldProblem("parent", "case.setup.parent_inactive")) }
        }
        let chosen = parent?.kind ?? kind.flatMap(CaseKind.init(rawValue:))
        if chosen == nil && parentKey == nil {
            problems.append(FieldProblem("kind", "field.not_one_of", [kind ?? "", CaseKind.allCases.map(\.rawValue).joined(separator: ", ")]))
        }
        var key = ""
        switch CaseSetupRules.categoryKey(parent: parent?.key ?? parentKey, segment: segment.trimmingSpaces(), existing: try await keys("case_categories")) {
        case .success(let k): key = k
        case .failure(let p): problems.append(FieldProblem(p))
        }
        guard problems.isEmpty, let chosen else { throw ValidationFailure(problems: problems) }
        let row = CategoryRow(
            key: key, parentKey: parent?.key, kind: chosen, nameZh: s.nameZh.trimmingSpaces(),
            nameEn: s.nameEn.trimmingSpaces().trimmedOrNil ?? s.nameZh.trimmingSpaces(), departmentKey: s.departmentKey,
            respondHours: s.respondHours ?? 0, resolveHours: s.resolveHours ?? 0, counting: counting, complex: s.complex, active: true, onSpot: s.onSpot, warnPercent: s.warnPercent ?? 80)
        // Two people adding the same key at once: the second insert does nothing and is told so.
        let inserted = try await sql.raw(
            """
            INSERT INTO case_categories (key, parent_key, kind, name_zh, name_en, department_key, respond_hours, resolve_hours, counting, complex, sort, active, on_spot, warn_percent) \
            VALUES (\(bind: row.key), \(bind: row.parentKey), \(bind: row.kind.rawValue), \(bind: row.nameZh), \(bind: row.nameEn), \
            \(bind: row.departmentKey), \(bind: row.respondHours), \(bind: row.resolveHours), \(bind: row.counting.rawValue), \(bind: row.complex), \
            \(bind: try await nextSort("case_categories")), \(bind: true), \(bind: row.onSpot), \(bind: row.warnPercent)) ON CONFLICT (key) DO NOTHING RETURNING key
            """
        ).all()
        guard !inserted.isEmpty else { throw ValidationFailure(problems: [FieldProblem("key", "case.setup.duplicate_key", [key])]) }
        return row
    }

    /// Changes a category's names, department and limits. Returns it before and after.
    public func updateCategory(_ key: String, _ s: CategorySettings) async throws -> (before: CategoryRow, after: CategoryRow) {
        guard let before = try await category(key) else { throw StoreError.notFound("category") }
        let (problems, counting) = try await check(s)
        guard problems.isEmpty, let respond = s.respondHours, let resolve = s.resolveHours else { throw ValidationFailure(problems: problems) }
        var after = before
        after.nameZh = s.nameZh.trimmingSpaces()
        after.nameEn = s.nameEn.trimmingSpaces().trimmedOrNil ?? after.nameZh
        after.departmentKey = s.departmentKey
        after.respondHours = respond
        after.resolveHours = resolve
        after.counting = counting
        after.complex = s.complex
        after.onSpot = s.onSpot
        after.warnPercent = s.warnPercent ?? after.warnPercent
        try await sql.raw(
            """
            UPDATE case_categories SET name_zh = \(bind: after.nameZh), name_en = \(bind: after.nameEn), department_key = \(bind: after.departmentKey), \
            respond_hours = \(bind: respond), resolve_hours = \(bind: resolve), counting = \(bind: counting.rawValue), complex = \(bind: after.complex), \
            on_spot = \(bind: after.onSpot), warn_percent = \(bind: after.warnPercent) WHERE key = \(bind: key)
            """
        ).run()
        return (before, after)
    }

    /// Takes a category out of use together with everything below it, or puts it back (alone,
    /// and only under an active parent). Returns the keys changed.
    public func setActive(_ key: String, _ active: Bool) async throws -> [String] {
        guard let row = try await category(key) else { throw StoreError.notFound("category") }
        var changed = [key]
        if active {
            if let parent = row.parentKey, try await category(parent)?.active == false {
                throw StoreError(.invalid, "case.setup.parent_inactive", field: "active")
            }
        } else {
            struct Link: Decodable { var key: String; var parent_key: String? }
            let links = try await sql.raw("SELECT key, parent_key FROM case_categories").all(decoding: Link.self)
            let parents = Dictionary(uniqueKeysWithValues: links.map { ($0.key, $0.parent_key) })
            changed += CaseSetupRules.descendants(of: key, parents: parents).sorted()
        }
        try await sql.raw("UPDATE case_categories SET active = \(bind: active) WHERE key IN (\(binds: changed))").run()
        return changed
    }

    // MARK: Departments

    /// Adds a department; `key` may be empty for a generated one.
    public func addDepartment(key given: String, nameZh: String, nameEn: String) async throws -> DepartmentRow {
        let zh = nameZh.trimmingSpaces(), en = nameEn.trimmingSpaces()
        var problems = CaseSetupRules.nameProblems(zh: zh, en: en).map(FieldProblem.init)
        var key = ""
        switch CaseSetupRules.departmentKey(given.trimmingSpaces(), existing: try await keys("departments")) {
        case .success(let k): key = k
        case .failure(let p): problems.append(FieldProblem(p))
        }
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        let row = DepartmentRow(key: key, nameZh: zh, nameEn: en.trimmedOrNil ?? zh)
        let inserted = try await sql.raw(
            """
            INSERT INTO departments (key, name_zh, name_en, sort) VALUES (\(bind: row.key), \(bind: row.nameZh), \(bind: row.nameEn), \
            \(bind: try await nextSort("departments"))) ON CONFLICT (key) DO NOTHING RETURNING key
            """
        ).all()
        guard !inserted.isEmpty else { throw ValidationFailure(problems: [FieldProblem("key", "case.setup.duplicate_key", [key])]) }
        return row
    }

    /// Renames a department; its key stays, so cases and rules keep pointing at it.
    public func renameDepartment(_ key: String, nameZh: String, nameEn: String) async throws -> (before: DepartmentRow, after: DepartmentRow) {
        guard let before = try await sql.raw("SELECT key, name_zh, name_en FROM departments WHERE key = \(bind: key)").first(decoding: DepartmentRow.self) else {
            throw StoreError.notFound("department")
        }
        let zh = nameZh.trimmingSpaces(), en = nameEn.trimmingSpaces()
        let problems = CaseSetupRules.nameProblems(zh: zh, en: en).map(FieldProblem.init)
        guard problems.isEmpty else { throw ValidationFailure(problems: problems) }
        let after = DepartmentRow(key: key, nameZh: zh, nameEn: en.trimmedOrNil ?? zh)
        try await sql.raw("UPDATE departments SET name_zh = \(bind: after.nameZh), name_en = \(bind: after.nameEn) WHERE key = \(bind: key)").run()
        return (before, after)
    }

    // MARK: Routing rules

    static let ruleColumns = "id, category_key, unit_id, department_key"

    /// The rules on units in `scope`, by category.
    public func rules(in scope: Scope) async throws -> [RoutingRuleRow] {
        try await sql.raw("SELECT \(unsafeRaw: Self.ruleColumns) FROM routing_rules WHERE \(scope.condition("unit_id")) ORDER BY category_key")
            .all(decoding: RoutingRuleRow.self)
    }

    /// Sends `category` cases in `unit` and below to `department`, replacing the unit's earlier
    /// rule for the category. The unit must lie in `scope`. Returns the rule and the department it replaced.
    public func setRule(category: String, unit: UUID?, department: String, in scope: Scope) async throws -> (rule: RoutingRuleRow, replaced: String?) {
        var problems: [FieldProblem] = []
        if try await self.category(category) == nil { problems.append(FieldProblem("category", "case.unknown_category")) }
        var target: UnitRow?
        if let unit { target = try await UnitRepository(db).find(unit, in: scope) }
        // Routing looks at a case's grid and the units above it, so a rule below a grid would never apply.
        if target == nil || target?.isRetired == true || (target?.level ?? .grid) > .grid { problems.append(FieldProblem("unit", "case.setup.unknown_unit")) }
        if try await sql.raw("SELECT key FROM departments WHERE key = \(bind: department)").first() == nil {
            problems.append(FieldProblem("department", "case.unknown_department"))
        }
        guard problems.isEmpty, let unitID = target?.id else { throw ValidationFailure(problems: problems) }
        let old = try await sql.raw(
            """
            SELECT \(unsafeRaw: Self.ruleColumns) FROM routing_rules WHERE category_key = \(bind: category) AND unit_id = \(bind: unitID)
            """
        ).first(decoding: RoutingRuleRow.self)
        // One statement both adds and replaces, so two editors at once cannot leave two rules.
        let rule = try await sql.raw(
            """
            INSERT INTO routing_rules (id, category_key, unit_id, department_key) \
            VALUES (\(bind: UUID()), \(bind: category), \(bind: unitID), \(bind: department)) \
            ON CONFLICT (category_key, unit_id) DO UPDATE SET department_key = excluded.department_key \
            RETURNING \(unsafeRaw: Self.ruleColumns)
            """
        ).first(decoding: RoutingRuleRow.self)
        guard let rule else { throw StoreError(.conflict, "case.setup.rule_not_saved") }
        return (rule, old?.departmentKey)
    }

    /// Deletes a rule on a unit in `scope`; one outside it looks missing. Returns the rule deleted.
    public func deleteRule(_ id: UUID, in scope: Scope) async throws -> RoutingRuleRow {
        guard
            let rule = try await sql.raw(
                """
                SELECT \(unsafeRaw: Self.ruleColumns) FROM routing_rules WHERE id = \(bind: id) AND \(scope.condition("unit_id"))
                """
            ).first(decoding: RoutingRuleRow.self)
        else { throw StoreError.notFound("rule") }
        try await sql.raw("DELETE FROM routing_rules WHERE id = \(bind: id)").run()
        return rule
    }
}

extension CategoryRow {
    /// Categories in tree order (each parent before its children, siblings as sorted), with
    /// their depth from the top. A category whose parent is missing counts as top-level.
    public static func treeOrder(_ rows: [CategoryRow]) -> [(row: CategoryRow, depth: Int)] {
        let keys = Set(rows.map(\.key))
        var children: [String: [CategoryRow]] = [:]
        for r in rows { children[r.parentKey.flatMap { keys.contains($0) ? $0 : nil } ?? "", default: []].append(r) }
        var out: [(row: CategoryRow, depth: Int)] = []
        func walk(_ parent: String, _ depth: Int) {
            for r in children[parent] ?? [] where r.key != parent {
                out.append((r, depth))
                walk(r.key, depth + 1)
            }
        }
        walk("", 0)
        return out
    }
}

extension FieldProblem {
    init(_ p: CaseSetupRules.Problem) { self.init(p.field, p.key, p.args) }
}

extension Scope {
    /// Whether the scope is a whole district (an account bound to the root of a tree): what it
    /// takes to change reference data every district shares.
    public var coversDistrict: Bool { pathPrefix == nil || includesUnplaced }
}
