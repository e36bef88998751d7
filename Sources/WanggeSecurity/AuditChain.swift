import Crypto
import Foundation

/// The hash chain of the audit log. Each entry's hash is an HMAC over the previous entry's hash
/// and the entry's own fields, keyed with a secret the database does not hold, so someone who can
/// edit the database can neither change, insert nor delete an entry without `verify` noticing.
public struct AuditChain: Sendable {
    let key: SymmetricKey
    public static let genesis = String(repeating: "0", count: 64)

    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// The fields of one entry in a fixed order, separated by a byte no field may contain.
    public static func canonical(_ fields: [String]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(0x1F) }
            // The separator inside a field is written as a space (0x1F is one byte in UTF-8 and never part of another character).
            for b in field.utf8 { bytes.append(b == 0x1F ? 0x20 : b) }
        }
        return Data(bytes)
    }

    public func hash(previous: String, fields: [String]) -> String {
        var data = Data(previous.utf8)
        data.append(0x1E)
        data.append(Self.canonical(fields))
        return Hex.string(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }

    public enum Break: Equatable, Sendable, CustomStringConvertible {
        /// The entry's stored hash does not match its fields: it was edited.
        case edited(seq: Int64)
        /// A sequence number is missing before this one: entries were deleted.
        case gap(after: Int64, next: Int64)
        /// The entry does not follow from the one before: inserted, reordered or the tail rewritten.
        case brokenLink(seq: Int64)

        public var description: String {
            switch self {
            case .edited(let s): "entry \(s) was edited (its hash does not match its contents)"
            case .gap(let a, let n): "entries after \(a) up to \(n) are missing (deleted)"
            case .brokenLink(let s): "entry \(s) does not follow from the entry before it (inserted or reordered)"
            }
        }
    }

    /// One stored entry as `verify` sees it.
    public struct Link: Sendable {
        public var seq: Int64
        public var previous: String
        public var hash: String
        public var fields: [String]

        public init(seq: Int64, previous: String, hash: String, fields: [String]) {
            self.seq = seq
            self.previous = previous
            self.hash = hash
            self.fields = fields
        }
    }

    /// Checks links in sequence order, continuing from `expectedPrevious` and `lastSeq` (so long
    /// logs can be walked in pages). Returns the first break, or nil with the new tail.
    public func verify(_ links: [Link], expectedPrevious: inout String, lastSeq: inout Int64?) -> Break? {
        for link in links {
            if let last = lastSeq, link.seq != last + 1 {
                return link.seq > last + 1 ? .gap(after: last, next: link.seq) : .brokenLink(seq: link.seq)
            }
            if hash(previous: link.previous, fields: link.fields) != link.hash { return .edited(seq: link.seq) }
            if link.previous != expectedPrevious { return .brokenLink(seq: link.seq) }
            expectedPrevious = link.hash
            lastSeq = link.seq
        }
        return nil
    }
}
