import Foundation
import Testing

@testable import WanggeWeb

/// How url-encoded forms and query strings are read for checking (`URLEncoded`): byte by byte,
/// with the meaning Foundation's `removingPercentEncoding` gave them.
@Suite("URL-encoded text")
struct URLEncodedTests {
    /// What the reader did before it was written byte by byte.
    static func foundation(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    @Test(
        "each value decodes as Foundation decoded it: plus signs, escapes, UTF-8, and broken or non-UTF-8 escapes kept as written",
        arguments: [
            "", "plain", "a+b", "%E5%BC%A0%E4%BC%9F", "x%2By", "%20%", "%2", "%zz", "100%", "%FF%FE", "%C3", "%c3%a9+%2b",
            "%00", "张伟+%E8%B7%AF", "%%41", "a%2", "+%41+",
        ])
    func decodesLikeFoundation(text: String) {
        #expect(URLEncoded.decode(Substring(text)) == Self.foundation(Substring(text)))
    }

    @Test("pairs keep their order, repeated names and empty values")
    func pairs() {
        let pairs = URLEncoded.pairs("a=1&b=x+y%21&&a=&c&d=%E4%B8%AD%3D=")
        #expect(pairs.map(\.0) == ["a", "b", "a", "c", "d"])
        #expect(pairs.map(\.1) == ["1", "x y!", "", "", "中=="])
    }

    @Test("strict pairs refuse a broken escape or bytes that are not UTF-8 anywhere in the text")
    func strictPairs() {
        #expect(URLEncoded.strictPairs("a=1&b=%E4%B8%AD")?.map(\.1) == ["1", "中"])
        #expect(URLEncoded.strictPairs("a=1&b=100%") == nil)
        #expect(URLEncoded.strictPairs("a%zz=1") == nil)
        #expect(URLEncoded.strictPairs("a=%C3") == nil)
    }

    @Test("an Open311 post's form: the last value of a repeated name, unknown and bracketed names ignored, broken text refused")
    func postForm() throws {
        let form = try #require(Open311Controller.PostForm(urlEncoded: "api_key=a&service_code=x&api_key=b&description=%E4%B8%AD+1&attribute%5Bx%5D=2&lat="))
        #expect(form.api_key == "b")
        #expect(form.service_code == "x")
        #expect(form.description == "中 1")
        #expect(form.lat == "")
        #expect(form.long == nil)
        #expect(Open311Controller.PostForm(urlEncoded: "description=100%") == nil)
    }
}
