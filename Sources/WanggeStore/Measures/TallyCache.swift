import Foundation
import SQLKit
import WanggeCore

/// The counts a dashboard or a ranking shows beside the cases' — the registers' (`RegisterTallies`)
/// and participation's (`ParticipationTallies`) — kept per instance for the units and period asked
/// about, each part counted again as soon as the database says that something it counts has changed:
/// the registers when the change log's newest household or resident entry moves (a household, a
/// person, a visit), participation when its stamp moves (party members and service, market orders,
/// volunteers and their hours; `CreateTallyStamps`), both when the grid tree's stamp moves. The three
/// numbers are read in one statement on every page, so several instances each keep their own copy,
/// all checked against the one database; a copy is never older than the numbers it is kept under.
public actor TallyCache {
    enum Part: CaseIterable {
        case registers, participation
    }

    struct Key: Hashable {
        var places: [RegisterTallies.Place]
        var from: SimpleDate
        var to: SimpleDate
    }

    /// Where the database stood: every number only grows.
    struct Stamp: Equatable {
        var units: Int64
        var participation: Int64
        var registers: Int64
        /// The catalogue's stamp (`CreateCatalogueStamp`), for the categories the figures are grouped by.
        var catalogue: Int64 = 0

        /// The numbers a part's copy is good for.
        func of(_ part: Part) -> [Int64] {
            switch part {
            case .registers: [units, registers]
            case .participation: [units, participation]
            }
        }

        /// One statement: the stamps and the newest register change. Each kind's newest entry is read
        /// through the change log's (kind, seq) index, one seek: as MAX(seq), PostgreSQL with statistics
        /// from before the cases arrived walked the primary key back through 100,000 case entries (9 ms,
        /// twice a page).
        static func read(on sql: any SQLDatabase) async throws -> Stamp {
            let stamp = { (name: String) -> SQLQueryString in "(SELECT n FROM stamps WHERE name = \(bind: name))" }
            let newest = { (kind: String) -> SQLQueryString in
                "(SELECT seq FROM sync_changes WHERE kind = \(bind: kind) ORDER BY kind DESC, seq DESC LIMIT 1)"
            }
            let kinds = RegisterTallies.registerKinds
            let row = try await sql.raw(
                """
                SELECT \(stamp(CreateTallyStamps.units.name)) AS u, \(stamp(CreateTallyStamps.participation.name)) AS p, \
                \(stamp(CreateCatalogueStamp.stamp.name)) AS c, \
                \(kinds.enumerated().map { "\(newest($1)) AS r\(unsafeRaw: String($0))" as SQLQueryString }.joined(separator: ", "))
                """
            ).first()
            var registers: Int64 = 0
            for i in kinds.indices { registers = max(registers, try row?.decode(column: "r\(i)", as: Int64?.self) ?? 0) }
            return Stamp(
                units: try row?.decode(column: "u", as: Int64?.self) ?? 0, participation: try row?.decode(column: "p", as: Int64?.self) ?? 0,
                registers: registers, catalogue: try row?.decode(column: "c", as: Int64?.self) ?? 0)
        }
    }

    /// How many units' counts a part keeps at most, over all the sets it keeps (a dashboard's set is a
    /// unit and its children, a district ranking's 1,100 units at ≈ 0.3 kB each): the oldest sets go first.
    static let capacity = 12_000

    private struct Shelf {
        var numbers: [Int64] = []
        var entries: [Key: [UUID: TallyCounts]] = [:]
        var order: [Key] = []
        var units = 0
    }

    private var shelves: [Part: Shelf] = [:]
    /// The case categories as of a catalogue stamp: a dashboard groups its figures by top category.
    private var catalogue: (stamp: Int64, rows: [CategoryRow])?
    /// How many copies of each part were counted and kept (the tests' way to see a copy was used).
    private var counted: [Part: Int] = [:]

    public init() {}

    /// How many copies of `part` were counted and kept so far.
    func countedCopies(_ part: Part) -> Int { counted[part, default: 0] }

    func categories(at stamp: Int64) -> [CategoryRow]? {
        guard let catalogue, catalogue.stamp == stamp else { return nil }
        return catalogue.rows
    }

    /// Keeps the categories read after the catalogue's stamp read `stamp`, unless a copy at a newer one is kept.
    func keep(categories rows: [CategoryRow], at stamp: Int64) {
        if let catalogue, catalogue.stamp > stamp { return }
        catalogue = (stamp, rows)
    }

    func value(_ part: Part, _ key: Key, at stamp: Stamp) -> [UUID: TallyCounts]? {
        guard let shelf = shelves[part], shelf.numbers == stamp.of(part) else { return nil }
        return shelf.entries[key]
    }

    /// Keeps `value`, counted after `stamp` was read. A copy at newer numbers drops every older one of
    /// its part; one counted at older numbers than those kept is not kept.
    func keep(_ value: [UUID: TallyCounts], _ part: Part, for key: Key, at stamp: Stamp) {
        counted[part, default: 0] += 1
        let numbers = stamp.of(part)
        var shelf = shelves[part] ?? Shelf()
        if shelf.numbers != numbers {
            if !shelf.numbers.isEmpty, zip(numbers, shelf.numbers).contains(where: { $0 < $1 }) { return }
            shelf = Shelf(numbers: numbers)
        }
        if shelf.entries[key] == nil {
            shelf.order.append(key)
            shelf.units += key.places.count
            while shelf.units > Self.capacity, shelf.order.count > 1 {
                let oldest = shelf.order.removeFirst()
                shelf.entries[oldest] = nil
                shelf.units -= oldest.places.count
            }
        }
        shelf.entries[key] = value
        shelves[part] = shelf
    }
}
