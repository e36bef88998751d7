import Crypto
import Foundation

/// The signature on a phone's rescue export: HMAC-SHA256 with the key the server gave that phone
/// when it registered, over the payload's exact bytes, in lower-case hex. The phone signs with
/// WebCrypto; the server checks in constant time, so a file changed by one byte is refused whole.
public enum RescueSignature {
    public static func sign(_ payload: String, key: Data) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: key)))
    }

    public static func verify(_ payload: String, signature: String, key: Data) -> Bool {
        let expected = Array(sign(payload, key: key).utf8)
        let given = Array(signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
