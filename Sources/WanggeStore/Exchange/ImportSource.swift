import Crypto
import Foundation
import WanggeCore
import WanggeSecurity

/// Where an import reads its file from: a path (the command line, an upload spooled to disk) or
/// bytes already in memory (a small upload, a test).
public enum ImportSource: Sendable {
    case file(String)
    case bytes([UInt8])

    /// The file's size, for progress.
    public var size: Int {
        switch self {
        case .file(let path): ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
        case .bytes(let bytes): bytes.count
        }
    }

    /// The whole file (for GeoJSON boundaries, which are read as one document).
    func readAll() throws -> [UInt8] {
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(.notFound, "import.no_file", [path]) }
            return [UInt8](data)
        case .bytes(let bytes): return bytes
        }
    }
}

/// Reads an import file's records a chunk at a time: the bytes in blocks, through the streaming
/// decoder (`TextStreamDecoder`) and CSV reader (`CSVStream`), blank records left out (their rows
/// still counted), the file's SHA-256 taken on the way. Memory is a block and a chunk of records.
struct RecordReader {
    static let blockSize = 1 << 20
    let source: ImportSource
    var handle: FileHandle?
    var position = 0
    var decoder = TextStreamDecoder()
    var csv = CSVStream()
    var hasher = SHA256()
    var queue: [CSVRecord] = []
    var queueStart = 0
    var ended = false
    /// Bytes of the file read so far.
    private(set) var bytesRead = 0

    init(_ source: ImportSource) throws {
        self.source = source
        if case .file(let path) = source {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError(.notFound, "import.no_file", [path]) }
            self.handle = handle
        }
    }

    var encoding: SourceEncoding { decoder.decided }
    /// Records parsed and not yet taken.
    var waiting: Int { queue.count - queueStart }
    var fileHash: String { Hex.string(hasher.finalize()) }

    /// The first non-blank record, which names the columns; nil for a file without any.
    mutating func header() throws -> CSVRecord? { try next(1).first }

    /// Up to `count` more non-blank records; empty at the end of the file.
    mutating func next(_ count: Int) throws -> [CSVRecord] {
        if queue.count - queueStart < count && !ended {
            // Drop what was taken before reading on, or the queue would hold the whole file.
            queue.removeFirst(queueStart)
            queueStart = 0
            while queue.count < count && !ended { try readBlock() }
        }
        let end = min(queue.count, queueStart + count)
        let out = Array(queue[queueStart..<end])
        queueStart = end
        return out
    }

    mutating func readBlock() throws {
        let block = try nextBlock()
        do {
            let utf8: [UInt8]
            if let block {
                hasher.update(data: block)
                bytesRead += block.count
                utf8 = try decoder.feed(block)
            } else {
                utf8 = try decoder.finish()
            }
            try utf8.withUnsafeBufferPointer { bytes in
                try csv.feed(bytes) { if !$0.isBlank { queue.append($0) } }
            }
            if block == nil {
                try csv.finish { if !$0.isBlank { queue.append($0) } }
                ended = true
                try? handle?.close()
            }
        } catch let problem as TextDecodingProblem {
            throw ImportFailure(problems: [ImportProblem(row: nil, column: nil, message: problem.message())])
        } catch let problem as CSVProblem {
            throw ImportFailure(problems: [ImportProblem(row: problem.line, column: nil, message: problem.message())])
        }
    }

    mutating func nextBlock() throws -> [UInt8]? {
        switch source {
        case .file:
            guard let data = try handle?.read(upToCount: Self.blockSize), !data.isEmpty else { return nil }
            return [UInt8](data)
        case .bytes(let bytes):
            guard position < bytes.count else { return nil }
            let end = min(bytes.count, position + Self.blockSize)
            defer { position = end }
            return Array(bytes[position..<end])
        }
    }
}
