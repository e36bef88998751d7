/// The shape rules of the unit tree (G1), kept apart from storage so every path that
/// changes the tree (form, import, move, merge, split) applies the same ones.
public enum TreeRules {
    /// Whether a unit of level `child` may sit directly under `parent` (nil = as a root).
    /// The numbered levels follow one another strictly because their codes nest; the
    /// optional levels below the grid may skip one another but must go deeper.
    public static func canPlace(_ child: UnitLevel, under parent: UnitLevel?) -> Bool {
        guard let parent else { return child == .district }
        switch child {
        case .district: return false
        case .street: return parent == .district
        case .community: return parent == .street
        case .grid: return parent == .community
        case .zone, .estate, .block, .entrance: return parent >= .grid && parent < child
        }
    }

    /// Checks moving `unit` under `newParent`. `ancestorsOfNewParent` lists the new parent's
    /// ancestors in any order; finding `unit` among them means the move would make a cycle.
    public static func validateMove<ID: Hashable>(
        unit: ID, level: UnitLevel, to newParent: ID,
        newParentLevel: UnitLevel,
        ancestorsOfNewParent: [ID]
    ) throws(TreeProblem) {
        guard newParent != unit else { throw .moveUnderItself }
        guard !ancestorsOfNewParent.contains(unit) else { throw .cycle }
        guard canPlace(level, under: newParentLevel) else { throw .wrongLevel(child: level, parent: newParentLevel) }
    }

    /// Merging folds one unit's children and records into another. Both must be at the same
    /// level and under the same parent: units under different parents carry codes and staff
    /// of different parents, so such a merge is a move followed by a merge.
    public static func validateMerge(sourceLevel: UnitLevel, targetLevel: UnitLevel, sameParent: Bool) throws(TreeProblem) {
        guard sourceLevel == targetLevel else { throw .mergeLevelMismatch(source: sourceLevel, target: targetLevel) }
        guard sameParent else { throw .mergeAcrossParents }
    }

    /// For each point the index of the first area containing it, else of the nearest area,
    /// so that when a grid is split every building and household gets a new home even when
    /// it lies a little outside the drawn boundaries. Empty when there are no areas.
    public static func assign<ID: Hashable>(points: [(ID, GeoPoint)], to areas: [GeoArea]) -> [ID: Int] {
        guard !areas.isEmpty else { return [:] }
        let boxes = areas.map(\.bbox)
        var result: [ID: Int] = [:]
        for (id, p) in points {
            if let i = areas.indices.first(where: { boxes[$0].contains(p) && areas[$0].contains(p) }) {
                result[id] = i
            } else {
                let d = areas.map { $0.distance(to: p) }
                result[id] = d.indices.min { d[$0] < d[$1] }
            }
        }
        return result
    }
}

public enum TreeProblem: LocalizedProblem {
    case wrongLevel(child: UnitLevel, parent: UnitLevel?)
    case moveUnderItself
    case cycle
    case mergeLevelMismatch(source: UnitLevel, target: UnitLevel)
    case mergeAcrossParents

    public var messageKey: String {
        switch self {
        case .wrongLevel(_, let parent): parent == nil ? "tree.rootNotDistrict" : "tree.wrongLevel"
        case .moveUnderItself: "tree.moveUnderItself"
        case .cycle: "tree.cycle"
        case .mergeLevelMismatch: "tree.mergeLevelMismatch"
        case .mergeAcrossParents: "tree.mergeAcrossParents"
        }
    }

    public var args: [String] {
        switch self {
        case .wrongLevel(let child, let parent): [L10n.term(child.nameKey)] + (parent.map { [L10n.term($0.nameKey)] } ?? [])
        case .mergeLevelMismatch(let s, let t): [L10n.term(s.nameKey), L10n.term(t.nameKey)]
        case .moveUnderItself, .cycle, .mergeAcrossParents: []
        }
    }
}
