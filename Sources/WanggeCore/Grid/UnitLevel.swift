/// The kinds of unit in the grid tree, from the county down to a building entrance (G1).
/// Levels below `grid` are optional; a child must always sit at a deeper level than its parent.
public enum UnitLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case district  // 区/县
    case street  // 街道/乡镇
    case community  // 社区/村
    case grid  // 网格
    case zone  // 片区
    case estate  // 小区
    case block  // 楼栋
    case entrance  // 单元

    /// 0 for the district, growing downwards.
    public var depth: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (a: UnitLevel, b: UnitLevel) -> Bool { a.depth < b.depth }

    /// The localisation key of the level's name (see `L10n`).
    public var nameKey: String { "level.\(rawValue)" }
}
