import Foundation
import Testing
import WanggeCore

@testable import WanggeStore

@Suite("Register tallies: rows kept per unit summed into every place above them")
struct RegisterTalliesSumTests {
    @Test("a row counts for each place on its path, once per place, and for no place beside it")
    func sumsUpTheTree() {
        let (d, s1, s2, g1, g2) = (UUID(), UUID(), UUID(), UUID(), UUID())
        func path(_ ids: UUID...) -> String { "/" + ids.map(\.uuidString).joined(separator: "/") + "/" }
        func counts(_ n: Int) -> TallyCounts {
            var t = TallyCounts()
            t[.households] = n
            t[.householdsVisited] = n / 2
            return t
        }
        let places = [
            RegisterTallies.Place(id: d, path: path(d), isTop: true), RegisterTallies.Place(id: s1, path: path(d, s1), isTop: false),
            RegisterTallies.Place(id: s2, path: path(d, s2), isTop: false), RegisterTallies.Place(id: g1, path: path(d, s1, g1), isTop: false),
        ]
        let rows = [(path: path(d, s1, g1), counts: counts(10)), (path: path(d, s1, g2), counts: counts(4)), (path: path(d, s2), counts: counts(7))]
        // MUT
        let out = RegisterTallies.sum(rows, into: places)
        // validate
        #expect(out[d] == counts(10) + counts(4) + counts(7))
        #expect(out[s1] == counts(10) + counts(4))
        #expect(out[s2] == counts(7))
        #expect(out[g1] == counts(10))
        #expect(out[g2] == nil, "g2 was not asked about")
        // Rows cut at a place's length (as TreeSums reads them), a row of the top unit itself, and paths
        // that are not whole unit paths: each counted under the units its path names in full.
        let cut = [
            (path: path(d, s1, g1), counts: counts(2)), (path: path(d), counts: counts(6)), (path: "/not-a-unit/", counts: counts(50)),
            (path: String(path(d, s1).dropLast()), counts: counts(70)),
        ]
        let cutOut = RegisterTallies.sum(cut, into: places)
        #expect(cutOut[d] == counts(2) + counts(6) + counts(70), "a path cut short still lies under the units it names in full")
        #expect(cutOut[s1] == counts(2) && cutOut[g1] == counts(2) && cutOut[s2] == nil)
        var added = counts(3)
        added += counts(5)
        #expect(added == counts(3) + counts(5) && added[.households] == 8)
        added += TallyCounts([.households: -8])
        #expect(added[.households] == 0 && added.values[.households] == nil, "a counter back at zero is left out, as `+` leaves it")
    }
}
