import Foundation
import Testing
@testable import WanggeWeb

/// The streamed multipart parser, fed the same body cut at every possible place.
@Suite("Streamed form parsing")
struct FormReaderTests {
    static let boundary = "----b0undary"

    static func body(fields: [(String, String)], files: [(String, String, [UInt8])]) -> [UInt8] {
        var b: [UInt8] = []
        for (k, v) in fields { b += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8) }
        for (field, name, bytes) in files {
            b += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
            b += bytes + Array("\r\n".utf8)
        }
        return b + Array("--\(boundary)--\r\n".utf8)
    }

    static func parse(_ body: [UInt8], chunk: Int, limits: FormLimits = .photoForm) throws -> (ReceivedForm, [(String, String)], Bool) {
        var scanner = MultipartScanner(boundary: boundary, limits: limits)
        var seen: [(String, String)] = []
        var i = 0
        while i < body.count {
            seen += try scanner.feed(body[i..<min(body.count, i + chunk)])
            i += chunk
        }
        return (scanner.form, seen, scanner.finished)
    }

    @Test("fields and files come out the same however the body is cut")
    func everySplit() throws {
        // A file holding bytes that look like the start of a delimiter, and a field with CRLF inside.
        let file: [UInt8] = Array("\r\n--\r\n----b0und".utf8) + (0..<300).map { UInt8($0 % 256) }
        let body = Self.body(
            fields: [("_csrf", "tok"), ("description", "第一行\r\n第二行"), ("empty", "")],
            files: [("photos[]", "照片.jpg", file), ("photos[]", "", [])])
        for chunk in [1, 2, 3, 5, 7, 13, 64, body.count] {
            let (form, seen, finished) = try Self.parse(body, chunk: chunk)
            #expect(finished, "chunk \(chunk)")
            #expect(form.fields.map(\.0) == ["_csrf", "description", "empty"] && form.value("description") == "第一行\r\n第二行")
            #expect(seen.map(\.0) == ["_csrf", "description", "empty"], "fields are handed over as they complete")
            #expect(form.photos.count == 1 && form.photos[0].name == "照片.jpg" && Array(form.photos[0].bytes) == file, "chunk \(chunk)")
        }
    }

    @Test("a file past its limit, too many files, a truncated body and a bad part header are refused")
    func limits() throws {
        var small = FormLimits.photoForm
        small.maxFileBytes = 100
        let big = Self.body(fields: [], files: [("photos[]", "a.jpg", [UInt8](repeating: 1, count: 101))])
        #expect(throws: (any Error).self) { try Self.parse(big, chunk: 10, limits: small) }
        let many = Self.body(fields: [], files: (0..<5).map { ("photos[]", "\($0).jpg", [1, 2, 3]) })
        #expect(throws: (any Error).self) { try Self.parse(many, chunk: 10) }
        let cut = Array(Self.body(fields: [("a", "b")], files: []).dropLast(8))
        #expect(try Self.parse(cut, chunk: 4).2 == false, "not finished: the reader answers 400")
        let noName = Array("--\(Self.boundary)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(Self.boundary)--\r\n".utf8)
        #expect(throws: (any Error).self) { try Self.parse(noName, chunk: 3) }
    }

    @Test("a form's fields decode into a form struct as a url-encoded body would")
    func decode() throws {
        struct Form: Decodable { var a: String; var n: Int?; var plus: String }
        let form = ReceivedForm(fields: [("a", "x&y=z"), ("n", "7"), ("plus", "1+1 ")], files: [])
        let d = try form.decode(Form.self)
        #expect(d.a == "x&y=z" && d.n == 7 && d.plus == "1+1 ")
    }
}
