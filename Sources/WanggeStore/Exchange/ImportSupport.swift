import Dispatch
import Foundation
import WanggeSecurity

/// Work spread over every core: the look-up hashes and encryption of a chunk of an import.
enum Parallel {
    /// Below this many items one core is quicker than waking the others.
    static let minimum = 64

    static func map<T, R>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        let workers = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimum, workers > 1 else { return items.map(transform) }
        var out = [R?](repeating: nil, count: items.count)
        out.withUnsafeMutableBufferPointer { buffer in
            items.withUnsafeBufferPointer { input in
                let shared = Shared(input: input, output: buffer)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let n = shared.input.count
                    for i in (w * n / workers)..<((w + 1) * n / workers) { shared.output[i] = transform(shared.input[i]) }
                }
            }
        }
        return out.map { $0! }
    }

    /// Each worker writes its own slice of `output`.
    private struct Shared<T, R>: @unchecked Sendable {
        let input: UnsafeBufferPointer<T>
        let output: UnsafeMutableBufferPointer<R?>
    }
}

/// UUIDs in increasing order (version 7: the time in milliseconds, then a counter), for the
/// records one import adds: each lands at the end of the primary-key index instead of at a random
/// page of it, which at a million rows is the difference between appending and rewriting the index.
struct SequentialIDs {
    private var counter: UInt64
    private let millis: UInt64
    private let randA: UInt16

    init(now: Date = Date()) {
        millis = UInt64(max(0, now.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        randA = UInt16.random(in: 0...0x0FFF)
        counter = UInt64.random(in: 0..<(1 << 61))
    }

    mutating func next() -> UUID {
        counter += 1
        let c = counter & 0x3FFF_FFFF_FFFF_FFFF
        return UUID(
            uuid: (
                UInt8(truncatingIfNeeded: millis >> 40), UInt8(truncatingIfNeeded: millis >> 32), UInt8(truncatingIfNeeded: millis >> 24),
                UInt8(truncatingIfNeeded: millis >> 16), UInt8(truncatingIfNeeded: millis >> 8), UInt8(truncatingIfNeeded: millis),
                0x70 | UInt8(truncatingIfNeeded: randA >> 8), UInt8(truncatingIfNeeded: randA),
                0x80 | UInt8(truncatingIfNeeded: c >> 56), UInt8(truncatingIfNeeded: c >> 48), UInt8(truncatingIfNeeded: c >> 40),
                UInt8(truncatingIfNeeded: c >> 32), UInt8(truncatingIfNeeded: c >> 24), UInt8(truncatingIfNeeded: c >> 16),
                UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)
            ))
    }
}

extension UUID {
    /// `uuidString` (upper-case, with dashes) written directly: Foundation's goes through
    /// `sprintf`, about eight times slower, and an import writes several per row.
    var text: String {
        withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var j = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[j] = UInt8(ascii: "-")
                        j += 1
                    }
                    out[j] = Hex.upper[Int(raw[i] >> 4)]
                    out[j + 1] = Hex.upper[Int(raw[i] & 0x0F)]
                    j += 2
                }
                return 36
            }
        }
    }
}
