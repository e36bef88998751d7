import CQREncode

/// A QR code symbol as a square of modules (true = dark), made by Debian's libqrencode, so what is
/// printed on a contact card is what any phone's scanner expects.
public struct QRCode: Sendable, Equatable {
    /// Error correction. Cards are printed and handled, so the default is M (15 % of the symbol may
    /// be lost) rather than L.
    public enum Correction: Sendable {
        case low, medium, quartile, high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    public enum EncodingError: Error, Equatable {
        /// The text is empty, holds a NUL, or is too long for the largest symbol (version 40).
        case cannotEncode
    }

    /// The symbol's version (1–40): its size is 17 + 4 × version modules.
    public let version: Int
    /// Modules per side.
    public let size: Int
    /// Row by row, `size` × `size` modules; true is dark.
    public let modules: [Bool]

    /// The quiet zone a scanner needs around the symbol, in modules (ISO/IEC 18004).
    public static let quietZone = 4

    public init(_ text: String, correction: Correction = .medium) throws {
        guard !text.isEmpty, !text.utf8.contains(0) else { throw EncodingError.cannotEncode }
        // 8-bit mode keeps the text exactly as given (a URL's lower-case letters and '/').
        guard let symbol = QRcode_encodeString8bit(text, 0, correction.level) else { throw EncodingError.cannotEncode }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        let data = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        version = Int(symbol.pointee.version)
        size = width
        // The lowest bit of each byte is the module's colour; the others are libqrencode's bookkeeping.
        modules = data.map { $0 & 1 == 1 }
    }

    public subscript(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// The dark modules as horizontal runs (row, first column, length): what an SVG draws as one
    /// rectangle each, far fewer than one per module.
    public var darkRuns: [(row: Int, column: Int, length: Int)] {
        var runs: [(row: Int, column: Int, length: Int)] = []
        for row in 0..<size {
            var column = 0
            while column < size {
                guard self[row, column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < size && self[row, column] { column += 1 }
                runs.append((row, start, column - start))
            }
        }
        return runs
    }
}
