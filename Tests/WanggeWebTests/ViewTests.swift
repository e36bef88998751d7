import Foundation
import Testing
import WanggeCore
@testable import WanggeStore
@testable import WanggeWeb

/// Pages are pure functions from data to HTML: these run without any database.
@Suite("Pages without a database")
struct ViewTests {
    static let person = ResidentRow(
        id: UUID(), name: "<script>张三</script>", idNumber: "110105194912310021", documentNumber: nil, sex: "male",
        birthDate: "1949-12-31", phone: "13912345678", householdID: nil, relation: nil, residenceType: "registered",
        unitID: nil, createdAt: Date(), updatedAt: Date())

    @Test("text and attribute values are escaped wherever the five characters fall, among any other text")
    func escaping() {
        #expect(HTML.escape("张三 13912345678") == "张三 13912345678")
        #expect(HTML.escape("") == "")
        #expect(HTML.escape(#"<a href="x">'张'&"#) == "&lt;a href=&quot;x&quot;&gt;&#39;张&#39;&amp;")
        #expect(HTML.escape("&") == "&amp;" && HTML.escape("网格<") == "网格&lt;" && HTML.escape(">网格") == "&gt;网格")
        #expect(HTML.escape("👨‍👩‍👧<é>") == "👨‍👩‍👧&lt;é&gt;")
        let a = el("a", ["href": "/x?a=1&b=2", "class": nil, "title": #""张""#], .text("<b>"), el("br"))
        #expect(a.raw == #"<a href="/x?a=1&amp;b=2" title="&quot;张&quot;">&lt;b&gt;<br></a>"#)
        #expect(el("input", ["name": "q"], .text("ignored")).raw == #"<input name="q">"#)
    }

    @Test("the log-in page escapes what it echoes and keeps only a safe next")
    func login() {
        let html = LoginPage.render(csrf: "tok", next: "/units", error: "<b>错</b>", username: "\"><img src=x>").raw
        #expect(!html.contains("<img") && !html.contains("<b>") && html.contains("&lt;b&gt;"))
        #expect(html.contains(#"name="_csrf" value="tok""#) && html.contains(#"value="/units""#))
    }

    @Test("a resident list shows masked numbers and escapes names")
    func residents() {
        let view = ResidentView(Self.person, tags: [], householdNumber: nil, role: .gridWorker, reveal: false)
        let html = ResidentPages.search(q: "张", views: [view], total: 1, page: 1, grids: [:]).raw
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
        #expect(!html.contains("110105194912310021") && html.contains(Mask.idNumber("110105194912310021")))
        #expect(!html.contains("13912345678"))
    }

    @Test("the tracking page scrubs what the reporter and staff wrote")
    func tracking() {
        let timeline = [
            CaseEventRow(
                id: UUID(), caseID: UUID(), seq: 2, action: .close, fromState: .verified, toState: .closed, actorID: nil, actorName: "受理员",
                actorRole: .operator_, note: "请回电 138 1234 5678", reason: nil, departmentKey: nil, rating: nil, notifyReporter: true, at: Date())
        ]
        let shown = ResidentCasePages.publicTimeline(timeline)
        #expect(shown.first?.note == "请回电 *** **** ****")
    }

    @Test("an error page names the status and escapes the message")
    func error() {
        let html = ErrorPage.render(status: .notFound, error: .init(code: "x", message: "<i>没有</i>", field: nil, problems: nil)).raw
        #expect(html.contains("404") && html.contains("&lt;i&gt;"))
    }
}
