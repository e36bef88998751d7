import Foundation

/// 党员中心户: a party member's household that keeps in touch with a few neighbouring households
/// of its grid (passes on notices, hears their needs, reports trouble early). The member is named;
/// the neighbours are households of the register in the same grid, each looked after by one
/// central household at most.
public enum CentralHouseholdRules {
    /// A central household usually looks after about ten households around it; more is a grid
    /// worker's job, not a neighbour's.
    public static let maxNeighbours = 10

    /// Household numbers as typed: separated by commas (also Chinese ones), 、, semicolons or spaces.
    public static func numbers(_ raw: String) -> [String] {
        raw.split(whereSeparator: { ",，、;；\n\r\t ".contains($0) }).map(String.init).filter { !$0.isEmpty }
    }

    /// The member's name, the central household's number and its neighbours' numbers, cleaned:
    /// a name of at most 20 characters, one to `maxNeighbours` neighbours, none twice, not itself.
    public static func check(member: String, household: String, neighbours raw: String) throws(OpennessProblem) -> (
        member: String, household: String, neighbours: [String]
    ) {
        let name = try PartyRules.text(member, field: "member", max: 20)
        let own = try PartyRules.text(household, field: "household", max: 40)
        let list = numbers(raw)
        guard !list.isEmpty else { throw .invalid("central.neighbours_required", field: "neighbours") }
        guard list.count <= maxNeighbours else { throw .invalid("central.too_many", [String(maxNeighbours)], field: "neighbours") }
        guard Set(list).count == list.count else { throw .invalid("central.repeated", field: "neighbours") }
        guard !list.contains(own) else { throw .invalid("central.self", field: "neighbours") }
        return (name, own, list)
    }
}
