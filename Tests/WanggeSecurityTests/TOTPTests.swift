import Foundation
import Testing
@testable import WanggeSecurity

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1, last six of the eight digits given there.
    static let secret = Array("12345678901234567890".utf8)

    @Test(
        "matches the RFC 6238 test vectors",
        arguments: [
            (59.0, "287082"), (1111111109.0, "081804"), (1111111111.0, "050471"), (1234567890.0, "005924"), (2000000000.0, "279037"),
        ])
    func vectors(time: Double, expected: String) {
        #expect(TOTP(secret: Self.secret).code(at: Date(timeIntervalSince1970: time)) == expected)
    }

    @Test("accepts one step of drift either way and nothing further, and tells the step used")
    func drift() {
        let totp = TOTP(secret: Self.secret)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.counter(at: now)
        #expect(totp.matchingCounter(totp.code(counter: step), at: now) == step)
        #expect(totp.matchingCounter(totp.code(counter: step - 1), at: now) == step - 1)
        #expect(totp.matchingCounter(totp.code(counter: step + 1), at: now) == step + 1)
        #expect(totp.matchingCounter(totp.code(counter: step - 2), at: now) == nil)
        #expect(totp.matchingCounter(totp.code(counter: step + 2), at: now) == nil)
        #expect(totp.matchingCounter("12345", at: now) == nil)
        #expect(totp.matchingCounter("abcdef", at: now) == nil)
    }

    @Test("base32 round-trips and matches RFC 4648 examples")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
        #expect(Base32.decode("mzxw6ytboi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6YTB0I") == nil, "0 is not in the alphabet")
        let t = TOTP.generate()
        #expect(t.secret.count == 20)
        #expect(TOTP(base32: t.base32)?.secret == t.secret)
        #expect(t.provisioningURI(account: "admin", issuer: "网格").hasPrefix("otpauth://totp/"))
        #expect(t.provisioningURI(account: "admin", issuer: "Wangge").contains("secret=\(t.base32)"))
    }
}
