import Testing
@testable import WanggeCore

@Suite struct TreeRulesTests {
    @Test func placement() {
        #expect(TreeRules.canPlace(.district, under: nil))
        #expect(!TreeRules.canPlace(.street, under: nil))
        #expect(!TreeRules.canPlace(.district, under: .district))
        #expect(TreeRules.canPlace(.street, under: .district))
        #expect(!TreeRules.canPlace(.community, under: .district))
        #expect(TreeRules.canPlace(.community, under: .street))
        #expect(TreeRules.canPlace(.grid, under: .community))
        #expect(!TreeRules.canPlace(.grid, under: .grid))
        #expect(!TreeRules.canPlace(.grid, under: .street))
        for child in [UnitLevel.zone, .estate, .block, .entrance] {
            #expect(TreeRules.canPlace(child, under: .grid))
            #expect(!TreeRules.canPlace(child, under: .community))
            #expect(!TreeRules.canPlace(child, under: child))
        }
        #expect(TreeRules.canPlace(.block, under: .estate))
        #expect(TreeRules.canPlace(.block, under: .zone))
        #expect(TreeRules.canPlace(.entrance, under: .block))
        #expect(!TreeRules.canPlace(.estate, under: .block))
        #expect(!TreeRules.canPlace(.zone, under: .entrance))
    }

    @Test func moves() throws {
        try TreeRules.validateMove(unit: 5, level: .grid, to: 3, newParentLevel: .community, ancestorsOfNewParent: [1, 2])
        #expect(throws: TreeProblem.moveUnderItself) {
            try TreeRules.validateMove(unit: 5, level: .grid, to: 5, newParentLevel: .community, ancestorsOfNewParent: [])
        }
        #expect(throws: TreeProblem.cycle) {
            try TreeRules.validateMove(
                unit: "estate", level: .estate, to: "block", newParentLevel: .block,
                ancestorsOfNewParent: ["grid", "estate"])
        }
        #expect(throws: TreeProblem.wrongLevel(child: .grid, parent: .street)) {
            try TreeRules.validateMove(unit: 5, level: .grid, to: 2, newParentLevel: .street, ancestorsOfNewParent: [1])
        }
    }

    @Test func merges() throws {
        try TreeRules.validateMerge(sourceLevel: .grid, targetLevel: .grid, sameParent: true)
        #expect(throws: TreeProblem.mergeLevelMismatch(source: .grid, target: .community)) {
            try TreeRules.validateMerge(sourceLevel: .grid, targetLevel: .community, sameParent: true)
        }
        #expect(throws: TreeProblem.mergeAcrossParents) {
            try TreeRules.validateMerge(sourceLevel: .grid, targetLevel: .grid, sameParent: false)
        }
    }

    @Test func assignAfterSplit() {
        let west = Shapes.area(116.40, 39.90, 116.41, 39.91)
        let east = Shapes.area(116.41, 39.90, 116.42, 39.91)
        let points: [(String, GeoPoint)] = [
            ("a", GeoPoint(lon: 116.405, lat: 39.905)),
            ("b", GeoPoint(lon: 116.415, lat: 39.905)),
            ("edge", GeoPoint(lon: 116.41, lat: 39.905)),
            ("nearEast", GeoPoint(lon: 116.4215, lat: 39.912)),
            ("farWest", GeoPoint(lon: 116.30, lat: 39.905)),
        ]
        let result = TreeRules.assign(points: points, to: [west, east])
        #expect(result == ["a": 0, "b": 1, "edge": 0, "nearEast": 1, "farWest": 0])
        #expect(TreeRules.assign(points: points, to: []).isEmpty)
    }

    @Test func messages() {
        #expect(TreeProblem.wrongLevel(child: .grid, parent: .street).message() == "网格不能放在街道/乡镇之下")
        #expect(TreeProblem.wrongLevel(child: .street, parent: nil).message(.en).contains("Street/town"))
    }
}
