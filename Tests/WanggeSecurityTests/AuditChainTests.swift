import Foundation
import Testing
@testable import WanggeSecurity

@Suite("Audit hash chain")
struct AuditChainTests {
    let chain = AuditChain(secret: Array(repeating: 7, count: 32))

    func links(_ n: Int) -> [AuditChain.Link] {
        var previous = AuditChain.genesis
        return (1...n).map { i in
            let fields = ["2026-11-27T10:00:0\(i)Z", "admin", "login", "ok \(i)"]
            let hash = chain.hash(previous: previous, fields: fields)
            defer { previous = hash }
            return AuditChain.Link(seq: Int64(i), previous: previous, hash: hash, fields: fields)
        }
    }

    func verify(_ links: [AuditChain.Link]) -> AuditChain.Break? {
        var previous = AuditChain.genesis
        var last: Int64?
        return chain.verify(links, expectedPrevious: &previous, lastSeq: &last)
    }

    @Test("an untouched chain verifies")
    func intact() { #expect(verify(links(5)) == nil) }

    @Test("an edited entry is named")
    func edited() {
        var l = links(5)
        l[2].fields[3] = "changed"
        #expect(verify(l) == .edited(seq: 3))
    }

    @Test("a deleted entry is a gap")
    func deleted() {
        var l = links(5)
        l.remove(at: 1)
        #expect(verify(l) == .gap(after: 1, next: 3))
    }

    @Test("an inserted entry, even with a correct hash of its own, breaks the link")
    func inserted() {
        var l = links(5)
        let forged = AuditChain(secret: Array(repeating: 8, count: 32))
        let fields = ["x", "mallory", "unmask", "ok"]
        l[2] = AuditChain.Link(seq: 3, previous: l[1].hash, hash: forged.hash(previous: l[1].hash, fields: fields), fields: fields)
        #expect(verify(l) == .edited(seq: 3), "without the key a forged entry cannot carry a valid hash")
        var renumbered = links(5)
        renumbered[3] = renumbered[2]
        renumbered[3].seq = 4
        #expect(verify(renumbered) == .brokenLink(seq: 4))
    }

    @Test("the first entry deleted is caught too")
    func firstDeleted() {
        #expect(verify(Array(links(3).dropFirst())) == .brokenLink(seq: 2))
    }

    @Test("a field containing the separator cannot shift content between fields")
    func separator() {
        #expect(chain.hash(previous: "p", fields: ["a\u{1F}b", "c"]) != chain.hash(previous: "p", fields: ["a", "b\u{1F}c"]))
        #expect(AuditChain.canonical(["a\u{1F}b"]) == AuditChain.canonical(["a b"]))
    }

    @Test("the canonical bytes stay what stored chains were hashed over: UTF-8, fields joined by 0x1F, the separator inside a field a space")
    func canonicalBytes() {
        #expect(AuditChain.canonical(["甲", "b\u{1F}c", "", "é"]) == Data([0xE7, 0x94, 0xB2, 0x1F, 0x62, 0x20, 0x63, 0x1F, 0x1F, 0xC3, 0xA9]))
        #expect(AuditChain.canonical([]) == Data())
        // HMAC-SHA256 with key "k" over "p", 0x1E, "a", 0x1F, "b c" (computed with Python's hmac module).
        let expected = "703f9616024219796c8f512c8ec41c8c09d28bcfec1aa92fc6bee9a797d0b17e"
        #expect(AuditChain(secret: Array("k".utf8)).hash(previous: "p", fields: ["a", "b c"]) == expected)
    }
}
