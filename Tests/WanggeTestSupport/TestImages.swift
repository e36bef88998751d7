import Foundation

/// Small images that are whole by their structure (the server inspects headers, not pixels):
/// a baseline JPEG with a frame header, a scan and the end marker, padded to `size`; a 1×1 PNG
/// with IHDR, IDAT and IEND.
public enum TestImages {
    public static func jpeg(size: Int = 4096, width: Int = 8, height: Int = 8) -> [UInt8] {
        func be16(_ n: Int) -> [UInt8] { [UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
        let soi: [UInt8] = [0xFF, 0xD8]
        let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x0B, 0x08] + be16(height) + be16(width) + [0x01, 0x01, 0x11, 0x00]
        let sos: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        let head = soi + app0 + sof + sos
        return head + [UInt8](repeating: 0x42, count: max(0, size - head.count - 2)) + [0xFF, 0xD9]
    }

    public static func png(width: Int = 1, height: Int = 1) -> [UInt8] {
        func be32(_ n: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(n >> $0 & 0xFF) } }
        let ihdr = be32(13) + Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0] + [0, 0, 0, 0]
        let idat = be32(12) + Array("IDAT".utf8) + [0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00] + [0, 0, 0, 0]
        let iend = be32(0) + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + ihdr + idat + iend
    }
}
