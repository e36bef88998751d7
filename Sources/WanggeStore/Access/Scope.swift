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

    public static let everything = Scope(pathPrefix: nil, includesUnplaced: true)

    public init(pathPrefix: String?, includesUnplaced: Bool) {
        self.pathPrefix = pathPrefix
        self.includesUnplaced = includesUnplaced
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

    /// An SQL condition limiting `column` (a unit id) to this scope.
    /// `column` may be qualified ("a.unit_id") for joined tables.
    func condition(_ column: String) -> SQLQueryString {
        guard let prefix = pathPrefix else { return "1 = 1" }
        let parts = column.split(separator: ".").map(String.init)
        let name: SQLQueryString = parts.count == 2 ? "\(ident: parts[0]).\(ident: parts[1])" : "\(ident: column)"
        let inTree: SQLQueryString = "\(name) IN (SELECT id FROM units WHERE path LIKE \(bind: prefix + "%"))"
        return includesUnplaced ? "(\(inTree) OR \(name) IS NULL)" : inTree
    }
}
