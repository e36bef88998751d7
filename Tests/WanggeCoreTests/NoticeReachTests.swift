import Foundation
import Testing
import WanggeCore

@Suite("Notice reach: counting households, rates, the household's link and message")
struct NoticeReachTests {
    @Test("each household counts once in every column it reached; none only when nothing did")
    func counting() {
        // setup: five households, hand-counted below.
        let rows: [(hasContact: Bool, reach: HouseholdReach)] = [
            (true, HouseholdReach(delivered: true, opened: true, printed: false)),
            (true, HouseholdReach(delivered: true, opened: false, printed: true)),
            (true, HouseholdReach(delivered: false, opened: false, printed: false)),
            (false, HouseholdReach(delivered: false, opened: false, printed: true)),
            (false, HouseholdReach(delivered: false, opened: false, printed: false)),
        ]
        // MUT
        let c = NoticeReachCounts.count(rows)
        // validate
        #expect(c == NoticeReachCounts(households: 5, withContact: 3, delivered: 2, opened: 1, printed: 2, none: 2))
        #expect(c.toPrint == 2)
        #expect(c.rate(c.delivered) == 40 && c.rate(c.opened) == 20 && c.rate(c.none) == 40)
        #expect(NoticeReachCounts().rate(0) == nil, "no rate of nothing")
        #expect(NoticeReachCounts(households: 3).rate(2) == 67 && NoticeReachCounts(households: 3).rate(1) == 33)
    }

    @Test("a token is 32 lower-case hex digits, different every time; anything else is not looked up")
    func tokens() {
        let a = NoticeToken.make()
        let b = NoticeToken.make()
        #expect(a != b && NoticeToken.isWellFormed(a) && NoticeToken.isWellFormed(b))
        for bad in ["", "abc", String(repeating: "g", count: 32), a.uppercased(), a + "0", "../../" + a.dropFirst(6)] {
            #expect(!NoticeToken.isWellFormed(bad), "\(bad)")
        }
        #expect(NoticeToken.link(a, publicBaseURL: "https://wangge.example.gov.cn//") == "https://wangge.example.gov.cn/n/" + a)
        #expect(NoticeToken.link(a, publicBaseURL: " ") == nil)
    }

    @Test("the message names the unit and the title (scrubbed) and ends with the household's link")
    func message() {
        let m = HouseholdNoticeMessage(unitName: "永安里社区", title: "停水通知 联系13912345678", token: String(repeating: "a", count: 32))
        let text = m.text(publicBaseURL: "https://wangge.example.gov.cn")
        #expect(text.hasPrefix("【永安里社区】公告：停水通知") && !text.contains("13912345678"))
        #expect(text.hasSuffix("https://wangge.example.gov.cn/n/" + String(repeating: "a", count: 32)))
        #expect(!m.text(publicBaseURL: nil).contains("/n/"))
        #expect(m.subject.hasPrefix("永安里社区公告："))
    }
}
