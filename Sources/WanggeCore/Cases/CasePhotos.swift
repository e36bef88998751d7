import Foundation

/// The image types a case step may carry (C1 "photos", C3 "attachments"). The type is read from
/// the file's first bytes, never from its name or the content type a client claims, so a text
/// file renamed `.jpg` is refused and the stored type is always one a browser shows as an image.
public enum PhotoKind: String, Sendable, CaseIterable {
    case jpeg, png, webp

    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        }
    }

    /// The kind the bytes start with, or nil when they are none of the three.
    public static func sniff<C: Collection>(_ bytes: C) -> PhotoKind? where C.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        // RIFF <size> WEBP
        if head.count == 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }
}

/// What an image's own header says: its kind and size in pixels.
public struct PhotoFacts: Sendable, Equatable {
    public var kind: PhotoKind
    public var width: Int
    public var height: Int

    public init(kind: PhotoKind, width: Int, height: Int) {
        (self.kind, self.width, self.height) = (kind, width, height)
    }
}

extension PhotoKind {
    /// The image's kind and size from its own structure, or nil when the bytes are not a whole image
    /// of a kind we take: a PNG needs its IHDR first and an IEND chunk; a JPEG a frame header (SOF)
    /// before its scan and an end marker after it; a WebP a RIFF size that fits the file and a VP8,
    /// VP8L or VP8X header. So a truncated upload, a text file with an image's first bytes, or a
    /// "polyglot" with no real image in it is refused, and the size can be checked before anyone
    /// decodes the pixels (a decompression bomb declares a huge size in a small file).
    public static func inspect(_ bytes: [UInt8]) -> PhotoFacts? {
        switch sniff(bytes) {
        case .png: png(bytes)
        case .jpeg: jpeg(bytes)
        case .webp: webp(bytes)
        case nil: nil
        }
    }

    static func be(_ b: [UInt8], _ i: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 << 8 | Int(b[i + $1]) } }
    static func le(_ b: [UInt8], _ i: Int, _ n: Int) -> Int { (0..<n).reversed().reduce(0) { $0 << 8 | Int(b[i + $1]) } }

    static func png(_ b: [UInt8]) -> PhotoFacts? {
        guard b.count >= 45, be(b, 8, 4) == 13, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        let iend = Array("IEND".utf8)
        guard (33...(b.count - 8)).contains(where: { Array(b[$0..<$0 + 4]) == iend }) else { return nil }
        return PhotoFacts(kind: .png, width: be(b, 16, 4), height: be(b, 20, 4))
    }

    static func jpeg(_ b: [UInt8]) -> PhotoFacts? {
        var i = 2
        var size: (Int, Int)?
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                i += 2
                continue
            }
            let length = be(b, i + 2, 2)
            guard length >= 2, i + 2 + length <= b.count else { return nil }
            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker), length >= 7 {
                size = (be(b, i + 7, 2), be(b, i + 5, 2))
            }
            if marker == 0xDA {
                guard let (width, height) = size else { return nil }
                let scan = i + 2 + length
                guard scan + 2 <= b.count, (scan...(b.count - 2)).contains(where: { b[$0] == 0xFF && b[$0 + 1] == 0xD9 }) else { return nil }
                return PhotoFacts(kind: .jpeg, width: width, height: height)
            }
            i += 2 + length
        }
        return nil
    }

    static func webp(_ b: [UInt8]) -> PhotoFacts? {
        guard b.count >= 30, le(b, 4, 4) + 8 <= b.count else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8 ": return PhotoFacts(kind: .webp, width: le(b, 26, 2) & 0x3FFF, height: le(b, 28, 2) & 0x3FFF)
        case "VP8L":
            guard b[20] == 0x2F else { return nil }
            let bits = le(b, 21, 4)
            return PhotoFacts(kind: .webp, width: (bits & 0x3FFF) + 1, height: (bits >> 14 & 0x3FFF) + 1)
        case "VP8X": return PhotoFacts(kind: .webp, width: le(b, 24, 3) + 1, height: le(b, 27, 3) + 1)
        default: return nil
        }
    }
}

/// Limits on photos: a phone photo downsized by the page's script is a few hundred kilobytes, so
/// 5 MB leaves room for one sent without script, and 4 per step is what a report or a fix needs.
public enum PhotoRules {
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxCount = 4
    public static let maxNameLength = 100
    /// A phone's largest camera makes 50 megapixels; more than that, or a side over 20,000, is a
    /// decompression bomb or not a photo.
    public static let maxPixels = 50_000_000
    public static let maxSide = 20_000

    /// Whether a declared size is one a photo can have.
    public static func plausible(_ facts: PhotoFacts) -> Bool {
        facts.width > 0 && facts.height > 0 && facts.width <= maxSide && facts.height <= maxSide && facts.width * facts.height <= maxPixels
    }

    /// The name to keep of an uploaded file: its last path part, without control characters,
    /// at most `maxNameLength` characters; "photo" when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }).trimmingSpaces()
        return clean.isEmpty ? "photo" : String(clean.prefix(maxNameLength))
    }
}
