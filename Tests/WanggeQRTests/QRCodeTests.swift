import Foundation
import Testing
@testable import WanggeQR

@Suite("QR codes from libqrencode, and the PNG encoder that draws them")
struct QRCodeTests {
    @Test("the checksums PNG needs give the published check values")
    func checksums() {
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        // Past the 5,552-byte block the running sums are folded; a long run of 0xFF tests the fold.
        let long = [UInt8](repeating: 0xFF, count: 100_000)
        var a: UInt64 = 1, b: UInt64 = 0
        for byte in long {
            a = (a + UInt64(byte)) % 65_521
            b = (b + a) % 65_521
        }
        #expect(Checksum.adler32(long) == UInt32(b << 16 | a))
    }

    @Test("a URL becomes a square symbol with finder patterns in three corners")
    func matrix() throws {
        let code = try QRCode("http://127.0.0.1:8080/r/110199001001001")
        #expect(code.size == 17 + 4 * code.version)
        #expect(code.modules.count == code.size * code.size)
        // Finder patterns: a 7 × 7 dark ring with a dark 3 × 3 centre, at top left, top right and bottom left.
        for (r, c) in [(0, 0), (0, code.size - 7), (code.size - 7, 0)] {
            #expect((0..<7).allSatisfy { code[r, c + $0] && code[r + 6, c + $0] && code[r + $0, c] && code[r + $0, c + 6] })
            #expect(!code[r + 1, c + 1] && code[r + 3, c + 3])
        }
        let runs = code.darkRuns
        #expect(runs.reduce(0) { $0 + $1.length } == code.modules.filter { $0 }.count)
        #expect(throws: QRCode.EncodingError.cannotEncode) { try QRCode("") }
        #expect(throws: QRCode.EncodingError.cannotEncode) { try QRCode(String(repeating: "x", count: 5000)) }
    }

    @Test("the PNG is well formed: signature, IHDR of the right size, stored deflate, IEND")
    func png() throws {
        let code = try QRCode("HELLO")
        let png = PNG.encode(code, scale: 3)
        let side = (code.size + 8) * 3
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(Array(png[16..<20]) == PNG.bigEndian(UInt32(side)) && Array(png[20..<24]) == PNG.bigEndian(UInt32(side)))
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
        // Every chunk's CRC checks out.
        var offset = 8
        while offset < png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            let typed = Array(png[offset + 4..<offset + 8 + length])
            let crc = png[offset + 8 + length..<offset + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(Checksum.crc32(typed) == crc)
            offset += 12 + length
        }
        #expect(offset == png.count)
        // More than 65,535 bytes of pixels take several stored blocks; the stream still ends with its Adler-32.
        let big = PNG.zlibStored([UInt8](repeating: 7, count: 70_000))
        #expect(big.count == 2 + 2 * 5 + 70_000 + 4)
        #expect(big[2] == 0 && big[2 + 5 + 65_535] == 1, "the first block is not final, the second is")
    }
}
