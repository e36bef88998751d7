import Crypto
import Foundation

/// Encrypts personal data at rest (ID numbers) with AES-256-GCM, and computes a keyed hash
/// (HMAC-SHA256) so an exact ID number can still be looked up without decrypting every row.
///
/// Keys come from a key ring: the first key encrypts, every key decrypts, so keys can be
/// rotated — add a new key at the top, run `wangge keys rotate` to re-encrypt, then drop the
/// old one. The lookup hash uses a separate key that rotation re-derives for every row.
public struct FieldCipher: Sendable {
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey

        public init(id: String, bytes: [UInt8]) throws(KeyRingProblem) {
            guard bytes.count == 32 else { throw .badKeyLength(id: id, bytes: bytes.count) }
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw .badKeyID(id) }
            self.id = id
            key = SymmetricKey(data: bytes)
        }
    }

    public let keys: [Key]
    let lookupKey: SymmetricKey

    /// `keys` newest first; the lookup key is derived from the newest key with HKDF, so one
    /// secret per ring is all an operator keeps.
    public init(keys: [Key]) throws(KeyRingProblem) {
        guard let current = keys.first else { throw .empty }
        guard Set(keys.map(\.id)).count == keys.count else { throw .duplicateID }
        self.keys = keys
        lookupKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: current.key, info: Data("wangge lookup hash v1".utf8), outputByteCount: 32)
    }

    public var currentKeyID: String { keys[0].id }

    /// `v1.<key id>.<base64 nonce+ciphertext+tag>`.
    public func encrypt(_ plaintext: String) -> String {
        let sealed = try! AES.GCM.seal(Data(plaintext.utf8), using: keys[0].key)
        return "v1.\(keys[0].id).\(sealed.combined!.base64EncodedString())"
    }

    public func decrypt(_ stored: String) throws(KeyRingProblem) -> String {
        let parts = stored.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let data = Data(base64Encoded: parts[2]) else { throw .malformed }
        guard let key = keys.first(where: { $0.id == parts[1] }) else { throw .unknownKey(parts[1]) }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key.key), as: UTF8.self)
        } catch {
            throw .tampered
        }
    }

    /// The key id a stored value was encrypted with (rotation re-encrypts the others).
    public static func keyID(of stored: String) -> String? {
        let parts = stored.split(separator: ".", maxSplits: 2)
        return parts.count == 3 ? String(parts[1]) : nil
    }

    /// The lookup hash of a normalised value, hex.
    public func lookupHash(_ value: String) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: lookupKey))
    }

    /// A fresh random key in the key file's text form.
    public static func newKeyLine(id: String) -> String {
        "\(id):\(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString())"
    }
}

/// The secrets Wangge keeps outside the database: field keys (newest first) and the audit key.
/// The key file has one `id:base64key` per line; the id `audit` is the audit chain's key, which
/// never rotates (old entries must stay verifiable); `#` starts a comment.
public struct KeyRing: Sendable {
    public let cipher: FieldCipher
    public let audit: AuditChain

    public static let auditID = "audit"

    public static func parse(_ text: String) throws(KeyRingProblem) -> KeyRing {
        var keys: [FieldCipher.Key] = []
        var audit: [UInt8]?
        for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let bytes = Data(base64Encoded: parts[1]) else { throw .badLine(n + 1) }
            if parts[0] == auditID {
                guard bytes.count == 32 else { throw .badKeyLength(id: auditID, bytes: bytes.count) }
                audit = Array(bytes)
            } else {
                keys.append(try FieldCipher.Key(id: parts[0], bytes: Array(bytes)))
            }
        }
        guard let audit else { throw .noAuditKey }
        return KeyRing(cipher: try FieldCipher(keys: keys), audit: AuditChain(secret: audit))
    }

    /// A new key file: one field key and the audit key.
    public static func newFile(fieldKeyID: String) -> String {
        """
        # Wangge secrets: keep this file out of the database and its backups, readable by Wangge only.
        # Field keys newest first (rotate: add a new line at the top, run `wangge keys rotate`,
        # then remove the old line). The audit key never changes.
        \(FieldCipher.newKeyLine(id: fieldKeyID))
        \(FieldCipher.newKeyLine(id: auditID))

        """
    }
}

public enum KeyRingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case empty, noAuditKey, duplicateID, badLine(Int), badKeyLength(id: String, bytes: Int), badKeyID(String), malformed, unknownKey(String), tampered

    public var description: String {
        switch self {
        case .empty: "the key ring has no field key"
        case .noAuditKey: "the key ring has no audit key (a line starting with audit:)"
        case .duplicateID: "two keys share an id"
        case .badLine(let n): "key file line \(n) is not id:base64key"
        case .badKeyLength(let id, let n): "key \(id) has \(n) bytes; AES-256 needs 32"
        case .badKeyID(let id): "key id \(id) may use letters, digits, - and _ only"
        case .malformed: "stored value is not v1.<key>.<data>"
        case .unknownKey(let id): "no key \(id) in the key ring (was it removed before rotating?)"
        case .tampered: "stored value failed authentication (tampered or wrong key)"
        }
    }
}
