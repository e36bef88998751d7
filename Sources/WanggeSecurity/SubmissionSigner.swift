import Crypto
import Foundation

/// Signs the one-time token a report form carries, so the server can tell a token it issued from
/// a made-up one without storing what it hands out. A token is `<nonce>.<tag>`, both base64url:
/// 16 random bytes and the first 16 bytes of their HMAC-SHA256. The HMAC key is derived from the
/// field keys with HKDF (one derived key per field key, so a token issued just before a key
/// rotation still checks); the newest signs.
///
/// Whether a token was already used is the database's business (a unique column), not this one's.
public struct SubmissionSigner: Sendable {
    let keys: [SymmetricKey]

    public init(cipher: FieldCipher) {
        keys = cipher.keys.map {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: $0.key, info: Data("wangge submission token v1".utf8), outputByteCount: 32)
        }
    }

    /// A fresh token.
    public func issue() -> String {
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        return Self.base64URL(nonce) + "." + Self.base64URL(tag(nonce, key: keys[0]))
    }

    /// True when the token is one this server (with any of its keys) issued.
    public func verify(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.count <= 64, parts.count == 2, let nonce = Self.data(base64URL: String(parts[0])), nonce.count == 16,
            let sent = Self.data(base64URL: String(parts[1])), sent.count == 16,
            // Only the canonical spelling: base64 leaves spare bits in the last character, and a
            // token spelled another way would slip past the unique key that stops replays.
            Self.base64URL(nonce) == parts[0], Self.base64URL(sent) == parts[1]
        else { return false }
        return keys.contains { key in
            // Constant-time comparison: the tag must not be guessable byte by byte from timing.
            zip(tag(nonce, key: key), sent).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    func tag(_ nonce: Data, key: SymmetricKey) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: nonce, using: key)).prefix(16)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL s: String) -> Data? {
        guard s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        return Data(base64Encoded: b)
    }
}
