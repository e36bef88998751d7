import Foundation
import Testing

@testable import WanggeCore

/// Photos are judged by their own structure: whole images of the three kinds pass with their size;
/// a truncated file, a text with an image's first bytes, a polyglot with no frame, and a
/// decompression bomb's declared size do not.
@Suite("Photo inspection")
struct PhotoInspectionTests {
    static func be16(_ n: Int) -> [UInt8] { [UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
    static func be32(_ n: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(n >> $0 & 0xFF) } }
    static let soi: [UInt8] = [0xFF, 0xD8]
    static let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    static func sof(_ w: Int, _ h: Int) -> [UInt8] { [0xFF, 0xC2, 0x00, 0x0B, 0x08] + be16(h) + be16(w) + [0x01, 0x01, 0x11, 0x00] }
    static let sos: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
    static func png(_ w: Int, _ h: Int, end: Bool = true) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8) + be32(w) + be32(h) + [8, 6, 0, 0, 0, 1, 2, 3, 4]
            + be32(2) + Array("IDAT".utf8) + [0x78, 0x9C, 9, 9, 9, 9] + (end ? be32(0) + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82] : [])
    }

    @Test("whole JPEG (progressive, 4000×3000), PNG and WebP (VP8X, VP8L) give their kind and size")
    func whole() {
        let jpeg = Self.soi + Self.app0 + Self.sof(4000, 3000) + Self.sos + [0x12, 0xFF, 0x00, 0x34] + [0xFF, 0xD9]
        #expect(PhotoKind.inspect(jpeg) == PhotoFacts(kind: .jpeg, width: 4000, height: 3000))
        #expect(PhotoKind.inspect(Self.png(640, 480)) == PhotoFacts(kind: .png, width: 640, height: 480))
        // RIFF, size 22 (file is 30), WEBP, VP8X, chunk size 10, flags, 3 reserved, width−1 = 1919, height−1 = 1079 (24-bit little endian).
        let vp8x: [UInt8] = Array("RIFF".utf8) + [22, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0x07, 0x00, 0x37, 0x04, 0x00]
        #expect(PhotoKind.inspect(vp8x) == PhotoFacts(kind: .webp, width: 1920, height: 1080))
        // VP8L: signature 0x2F, then 14 bits width−1 = 99, 14 bits height−1 = 49.
        let bits = 99 | 49 << 14
        let vp8l: [UInt8] = Array("RIFF".utf8) + [22, 0, 0, 0] + Array("WEBPVP8L".utf8) + [10, 0, 0, 0, 0x2F] + [0, 8, 16, 24].map { UInt8(bits >> $0 & 0xFF) } + [0, 0, 0, 0, 0]
        #expect(PhotoKind.inspect(vp8l) == PhotoFacts(kind: .webp, width: 100, height: 50))
    }

    @Test("truncated, text with a JPEG's first bytes, a polyglot, a scan before any frame header: not images")
    func broken() {
        let whole = Self.soi + Self.app0 + Self.sof(8, 8) + Self.sos + [1, 2, 3] + [0xFF, 0xD9]
        #expect(PhotoKind.inspect(whole) != nil)
        #expect(PhotoKind.inspect(Array(whole.dropLast(2))) == nil, "no end marker: cut off in upload")
        #expect(PhotoKind.inspect(Self.soi + [0xFF, 0xE0] + Array("这只是文字，伪装成图片".utf8)) == nil)
        #expect(PhotoKind.inspect(Self.soi + Array("<html><script>alert(1)</script></html>".utf8) + [0xFF, 0xD9]) == nil, "a polyglot has no frame")
        #expect(PhotoKind.inspect(Self.soi + Self.app0 + Self.sos + [1] + [0xFF, 0xD9]) == nil, "a scan with no frame header")
        #expect(PhotoKind.inspect(Self.png(10, 10, end: false)) == nil, "a PNG without IEND")
        #expect(PhotoKind.inspect(Array(Self.png(10, 10).prefix(20))) == nil)
        #expect(PhotoKind.inspect(Array("RIFF".utf8) + [200, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 20)) == nil, "RIFF size beyond the file")
    }

    @Test("a decompression bomb's declared size is implausible; a 50-megapixel photo is not")
    func bomb() throws {
        let bomb = try #require(PhotoKind.inspect(Self.png(100_000, 100_000)))
        #expect(!PhotoRules.plausible(bomb))
        #expect(!PhotoRules.plausible(PhotoFacts(kind: .jpeg, width: 25_000, height: 10)), "a side over 20,000")
        #expect(!PhotoRules.plausible(PhotoFacts(kind: .jpeg, width: 0, height: 10)))
        #expect(PhotoRules.plausible(PhotoFacts(kind: .jpeg, width: 8160, height: 6120)))
    }
}

/// A boundary ring that crosses or touches itself is refused with the place it happens.
@Suite("Self-intersecting rings")
struct SelfIntersectionTests {
    static func ring(_ pts: [(Double, Double)]) -> [GeoPoint] { (pts + [pts[0]]).map { GeoPoint(lon: $0.0, lat: $0.1) } }

    @Test("a square, a triangle and a concave L pass; a bow tie and a figure of eight through one vertex do not")
    func rings() {
        #expect(GeoRing.selfIntersection(Self.ring([(0, 0), (1, 0), (1, 1), (0, 1)])) == nil)
        #expect(GeoRing.selfIntersection(Self.ring([(0, 0), (2, 0), (1, 1)])) == nil)
        #expect(GeoRing.selfIntersection(Self.ring([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])) == nil)
        #expect(GeoRing.selfIntersection(Self.ring([(0, 0), (1, 1), (1, 0), (0, 1)])) != nil, "bow tie")
        #expect(GeoRing.selfIntersection(Self.ring([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 1)])) != nil, "touches itself at (1, 1)")
    }

    @Test("the import names the feature, polygon and ring")
    func problem() throws {
        let text = #"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[116.80,40.29],[116.81,40.30],[116.81,40.29],[116.80,40.30],[116.80,40.29]]]}}"#
        #expect(throws: GeoJSONProblem.self) { try GeoJSON.parse(Data(text.utf8)) }
        let report = GeoJSON.parseReport(Data(text.utf8))
        #expect(report.problems.first?.messageKey == "geo.ringSelfIntersects" && report.problems.first?.feature == 1)
    }
}
