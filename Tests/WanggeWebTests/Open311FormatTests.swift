import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

@Suite("Open311 formats: W3C times, the document writer, extensions, public text, messages")
struct Open311FormatTests {
    @Test("W3C date-times: written in +08:00, read with Z, offsets, a bare day or an unencoded plus")
    func w3cDates() throws {
        let instant = Date(timeIntervalSince1970: 1_795_737_600)  // 2026-11-27T00:00:00Z
        #expect(W3CDateTime.format(instant) == "2026-11-27T08:00:00+08:00")
        #expect(W3CDateTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T08:00:00+08:00")
        #expect(W3CDateTime.parse("2026-11-27T00:00:00Z") == instant)
        #expect(W3CDateTime.parse("2026-11-27T08:00:00+08:00") == instant)
        #expect(W3CDateTime.parse("2026-11-27T08:00:00 08:00") == instant)
        #expect(W3CDateTime.parse("2026-11-26T19:00-05:00") == instant)
        #expect(W3CDateTime.parse("2026-11-27T08:00:00") == instant, "no zone: China time")
        #expect(W3CDateTime.parse("2026-11-27T00:00:00.5Z") == instant.addingTimeInterval(0.5))
        #expect(W3CDateTime.parse("2026-11-27") == instant.addingTimeInterval(-8 * 3600))
        #expect(W3CDateTime.parse("2026-11-27", end: true) == instant.addingTimeInterval(16 * 3600 - 1))
        for bad in ["", "yesterday", "2026-13-01", "2026-02-29", "2026-11-27T24:00:00Z", "2026-11-27T08:00:00+15:00", "27/11/2026"] {
            #expect(W3CDateTime.parse(bad) == nil, "\(bad)")
        }
        #expect(W3CDateTime.parse("2028-02-29") != nil)
    }

    @Test("the document writer: one tree, JSON and XML, escaped")
    func documentWriter() {
        let doc = Open311Document(
            root: "service_requests",
            body: .list(
                item: "request",
                [
                    .record([
                        Open311Field("service_request_id", .text("A&B")),
                        Open311Field("description", .text("<b>\"quoted\" 'it'</b>\n\u{1}end")),
                        Open311Field("lat", .number(39.5)),
                        Open311Field("zipcode", .text(nil)),
                        Open311Field("metadata", .boolean(false)),
                        Open311Field("code", .integer(403)),
                    ])
                ]))
        #expect(doc.render(.json) == #"[{"service_request_id":"A&B","description":"<b>\"quoted\" 'it'</b>\n\u0001end","lat":39.5,"zipcode":null,"metadata":false,"code":403}]"#)
        let xml = doc.render(.xml)
        #expect(
            xml == "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request><service_request_id>A&amp;B</service_request_id>"
                + "<description>&lt;b&gt;&quot;quoted&quot; &apos;it&apos;&lt;/b&gt;\nend</description><lat>39.5</lat><zipcode/>"
                + "<metadata>false</metadata><code>403</code></request></service_requests>")
        #expect(XMLNode.parse(xml)?.child("request")?["description"] == "<b>\"quoted\" 'it'</b>\nend")
        #expect(Open311Document(root: "services", body: .list(item: "service", [])).render(.xml).hasSuffix("<services/>"))
        #expect(Open311Document(root: "services", body: .list(item: "service", [])).render(.json) == "[]")
    }

    @Test("formats by extension; service codes keep their dots")
    func formats() {
        for (segment, name, format, had) in [
            ("services.json", "services", Open311Format.json, true), ("requests.XML", "requests", .xml, true),
            ("city_appearance.exposed_garbage.xml", "city_appearance.exposed_garbage", .xml, true),
            ("city_appearance.exposed_garbage", "city_appearance.exposed_garbage", .json, false),
        ] {
            let split = Open311Format.split(segment)
            #expect(split.name == name && split.format == format && split.hadExtension == had, "\(segment)")
        }
    }

    @Test("public text: digit runs like phones and ID numbers are starred, short numbers stay")
    func publicText() {
        #expect(PublicText.scrub("电话13800001111") == "电话***********")
        #expect(PublicText.scrub("call 138 0000 1111 now") == "call *** **** **** now")
        #expect(PublicText.scrub("身份证11010519491231002X") == "身份证******************")
        #expect(PublicText.scrub("3号楼2单元501，共12户") == "3号楼2单元501，共12户")
        #expect(PublicText.scrub("０１２３４５６７") == "********")
        #expect(PublicText.address("建国路88号3栋2单元501") == "建国路88号*栋*单元***")
    }

    @Test("every Open311 and API-key message key is in the localisation table")
    func messageKeys() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = [
            "Sources/WanggeWeb/Open311/Open311Controller.swift", "Sources/WanggeWeb/Open311/Open311Controller+Requests.swift",
            "Sources/WanggeWeb/Open311/Open311ErrorMiddleware.swift", "Sources/WanggeWeb/Commands/ApiKeyCommand.swift",
            "Sources/WanggeStore/Open311/ApiKeyRepository.swift", "Sources/WanggeStore/Open311/Open311Repository.swift",
        ]
        let pattern = try NSRegularExpression(pattern: #""((?:open311|apikey)\.[a-z_]+)""#)
        var keys: Set<String> = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) { keys.insert(String(text[Range(m.range(at: 1), in: text)!])) }
        }
        #expect(keys.count > 25)
        #expect(keys.filter { !L10n.has($0) }.isEmpty, "missing: \(keys.filter { !L10n.has($0) }.sorted())")
    }
}
