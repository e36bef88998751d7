import Foundation
import Testing
import WanggeCore

@Suite("Counter values: one slot per counter, the same sums, equality and stored form as before")
struct TallyCountsTests {
    @Test("each counter's slot is its place in allCases")
    func ordinals() {
        #expect(Tally.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
        #expect(MemoryLayout<Tally>.size == 1)
    }

    @Test("sums, differences, zeros and equality")
    func arithmetic() {
        var a = TallyCounts([.reported: 3, .closed: 2])
        let b = TallyCounts([.closed: 1, .satisfied: 4])
        #expect(a + b == TallyCounts([.reported: 3, .closed: 3, .satisfied: 4]))
        #expect(a - b == TallyCounts([.reported: 3, .closed: 1, .satisfied: -4]))
        a += b
        #expect(a[.closed] == 3 && a[.satisfied] == 4 && a[.due] == 0)
        #expect(TallyCounts([.due: 0]) == TallyCounts() && TallyCounts([.due: 0]).isZero)
        #expect((a - a).isZero && (a - a) == TallyCounts())
        a[.reported] = 0
        #expect(a.values == [.closed: 3, .satisfied: 4], "values lists only counters that are not zero")
    }

    @Test("stored as JSON the way the dictionary was: {\"values\": the counters that are not zero}")
    func codable() throws {
        let t = TallyCounts([.reported: 2, .closedOnTime: 1, .due: 0])
        let data = try JSONEncoder().encode(t)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let values = try #require(object["values"] as? [Any])
        // [Tally: Int] is encoded as a flat list of keys and values (Tally is not a CodingKey).
        #expect(values.count == 4)
        let pairs = Dictionary(uniqueKeysWithValues: stride(from: 0, to: values.count, by: 2).map { (values[$0] as? String ?? "", values[$0 + 1] as? Int ?? 0) })
        #expect(pairs == ["reported": 2, "closed_on_time": 1])
        #expect(try JSONDecoder().decode(TallyCounts.self, from: data) == t)
        struct Old: Codable { var values: [Tally: Int] }
        let old = try JSONEncoder().encode(Old(values: [.reported: 2, .closedOnTime: 1]))
        #expect(try JSONDecoder().decode(TallyCounts.self, from: old) == t, "what the dictionary stored reads back")
    }
}
