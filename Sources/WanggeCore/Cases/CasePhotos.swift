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

/// Limits on photos: a phone photo downsized by the page's script is a few hundred kilobytes, so
/// 5 MB leaves room for one sent without script, and 4 per step is what a report or a fix needs.
public enum PhotoRules {
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxCount = 4
    public static let maxNameLength = 100

    /// The name to keep of an uploaded file: its last path part, without control characters,
    /// at most `maxNameLength` characters; "photo" when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }).trimmingSpaces()
        return clean.isEmpty ? "photo" : String(clean.prefix(maxNameLength))
    }
}
