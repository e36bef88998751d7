import Foundation
import SQLKit

/// The part of the grid tree a caller may see. Every repository method that reads or changes
/// residents, households, buildings or staff takes one, so scoping lives in the storage layer
/// and a route that forgets a check still cannot leak.
public struct Scope: Sendable, Equatable {
    /// The `path` prefix of the caller's unit; nil means the whole database (command-line tools).
    public let pathPrefix: String?
    /// Records not yet placed in any grid (a new resident without a household) belong to the
    /// district as a whole, so only a scope rooted at a district sees them.
    public let includesUnplaced: Bool
    /// For an account of a department (职能部门): the departments it works for. It sees only cases
    /// dispatched to one of them; nil puts no such limit (every other role).
    public let departments: Set<String>?

    public static let everything = Scope(pathPrefix: nil, includesUnplaced: true)

    public init(pathPrefix: String?, includesUnplaced: Bool, departments: Set<String>? = nil) {
        self.pathPrefix = pathPrefix
        self.includesUnplaced = includesUnplaced
        self.departments = departments
    }

    /// The same part of the tree, limited to cases dispatched to `departments`.
    public func limited(toDepartments departments: Set<String>) -> Scope {
        Scope(pathPrefix: pathPrefix, includesUnplaced: includesUnplaced, departments: departments)
    }

    /// The scope of a unit: it and everything below it.
    public static func subtree(of unit: UnitRow) -> Scope {
        Scope(pathPrefix: unit.path, includesUnplaced: unit.parentID == nil)
    }

    /// Whether a unit with this path lies inside the scope.
    public func contains(path: String) -> Bool {
        guard let prefix = pathPrefix else { return true }
        return path.hasPrefix(prefix)
    }

    /// Whether every case of `unit`'s subtree — and, for a unit at the top of the tree, every case in
    /// no unit — lies in the scope, so that a condition to the unit's subtree already implies the scope's.
    public func holdsSubtree(of unit: UnitRow) -> Bool {
        guard departments == nil, contains(path: unit.path) else { return false }
        return unit.parentID != nil || includesUnplaced
    }

    /// The states in which a case has been dispatched to a department (or was, and is now past it).
    static let dispatchedStates = ["dispatched", "signed_for", "handled", "verified", "closed", "called_back", "suspended"]

    /// An SQL condition limiting cases (table alias `alias`, or none) to this scope: their grid in the
    /// tree and, for a department, their department among its own once dispatched.
    func caseCondition(_ alias: String? = nil) -> SQLQueryString {
        func col(_ name: String) -> String { alias.map { "\($0).\(name)" } ?? name }
        let tree = condition(col("unit_id"))
        guard let departments else { return tree }
        guard !departments.isEmpty else { return "1 = 0" }
        let dept: SQLQueryString = alias.map { "\(ident: $0).department_key" } ?? "department_key"
        let state: SQLQueryString = alias.map { "\(ident: $0).state" } ?? "state"
        return "(\(tree) AND \(dept) IN (\(binds: Array(departments).sorted())) AND \(state) IN (\(binds: Self.dispatchedStates)))"
    }

    /// An SQL condition limiting `column` (a unit id) to this scope.
    /// `column` may be qualified ("a.unit_id") for joined tables.
    func condition(_ column: String) -> SQLQueryString {
        guard let prefix = pathPrefix else { return "1 = 1" }
        let parts = column.split(separator: ".").map(String.init)
        let name: SQLQueryString = parts.count == 2 ? "\(ident: parts[0]).\(ident: parts[1])" : "\(ident: column)"
        return Self.inSubtree(name, path: prefix, orUnplaced: includesUnplaced)
    }

    /// Rows whose unit (`name`) lies in the subtree at `path` — and, with `orUnplaced`, rows in no unit.
    /// A subtree at the top of the tree holds (nearly) every unit, so it is stated the other way
    /// round, as "not in any unit outside it": the same rows, but a condition no index can serve, so
    /// the planner walks the index of the list's order instead of every case of every unit and
    /// sorting them (a district's million cases).
    static func inSubtree(_ name: SQLQueryString, path: String, orUnplaced: Bool) -> SQLQueryString {
        guard orUnplaced else { return "\(name) IN (SELECT id FROM units WHERE \(under("path", path)))" }
        return "(\(name) IS NULL OR \(name) NOT IN (SELECT id FROM units WHERE \(PathUnder(column: "path", prefix: path, negated: true))))"
    }

    /// `column` (a unit's path, possibly qualified: "u.path") starts with `prefix`, the path of a unit.
    static func under(_ column: String, _ prefix: String) -> SQLQueryString { "\(PathUnder(column: column, prefix: prefix, negated: false))" }
}

/// A unit path in a subtree: `column LIKE 'prefix%'`, written on SQLite as the range of paths from the
/// prefix up to the prefix with its closing "/" raised to "0" (the next character), which SQLite
/// compares byte by byte and can read from the path index. Its LIKE folds case character by character:
/// a district dashboard's red and yellow cards tested every unit's path against the prefix once per
/// state and list, 50,000 LIKEs a page, a tenth of its time. Paths are "/"-separated UUIDs and end
/// in "/", so the range holds exactly the paths that start with the prefix. PostgreSQL keeps LIKE,
/// whose comparison of text follows the database's collation, not bytes.
struct PathUnder: SQLExpression {
    let column: String
    let prefix: String
    let negated: Bool

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "sqlite", prefix.hasSuffix("/") {
            let above = String(prefix.dropLast()) + "0"
            serializer.write(negated ? "(\(column) < " : "(\(column) >= ")
            serializer.write(bind: prefix)
            serializer.write(negated ? " OR \(column) >= " : " AND \(column) < ")
            serializer.write(bind: above)
            serializer.write(")")
        } else {
            serializer.write(negated ? "\(column) NOT LIKE " : "\(column) LIKE ")
            serializer.write(bind: prefix + "%")
        }
    }
}
