/// A minimal PNG encoder for black-and-white images: 8-bit greyscale, no filter, and the image data
/// in uncompressed ("stored") deflate blocks, which every PNG reader accepts. A QR code of a few
/// hundred pixels square stays well under 100 KB this way, and no zlib is needed.
public enum PNG {
    /// The PNG of a QR code, `scale` pixels per module, with the quiet zone around it.
    public static func encode(_ code: QRCode, scale: Int = 8, quietZone: Int = QRCode.quietZone) -> [UInt8] {
        let scale = max(1, scale)
        let side = (code.size + 2 * quietZone) * scale
        var rows: [UInt8] = []
        rows.reserveCapacity(side * (side + 1))
        for y in 0..<side {
            rows.append(0)  // filter type: none
            let moduleRow = y / scale - quietZone
            for x in 0..<side {
                let moduleColumn = x / scale - quietZone
                let inside = (0..<code.size).contains(moduleRow) && (0..<code.size).contains(moduleColumn)
                rows.append(inside && code[moduleRow, moduleColumn] ? 0 : 255)
            }
        }
        return greyscale(width: side, height: side, filteredRows: rows)
    }

    /// A PNG of 8-bit grey pixels; `filteredRows` holds each row prefixed by its filter byte.
    static func greyscale(width: Int, height: Int, filteredRows: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]  // bit depth 8, greyscale, deflate, no filter method, not interlaced
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlibStored(filteredRows)) + chunk("IEND", [])
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), at most 65,535 bytes each.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 K window, no dictionary, check bits
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let last: UInt8 = offset + length == data.count ? 1 : 0
            out.append(last)  // BFINAL, BTYPE 00 (stored)
            let len = UInt16(length)
            out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        return out + bigEndian(Checksum.adler32(data))
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(Checksum.crc32(typed))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}

/// The two checksums a PNG file carries: CRC-32 per chunk (ISO 3309) and Adler-32 over the zlib data.
public enum Checksum {
    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5,552 bytes is the most that can be summed before the modulo without overflowing 32 bits.
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            for i in index..<end {
                a += UInt32(bytes[i])
                b += a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return b << 16 | a
    }
}
