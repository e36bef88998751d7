import Foundation
import Testing
@testable import WanggeSecurity

@Suite("Field encryption and key rotation")
struct FieldCipherTests {
    static func key(_ id: String, _ byte: UInt8) -> String { "\(id):\(Data(repeating: byte, count: 32).base64EncodedString())" }
    static let audit = key("audit", 9)

    @Test("encrypts with a fresh nonce each time and decrypts back")
    func roundTrip() throws {
        let ring = try KeyRing.parse([Self.key("k1", 1), Self.audit].joined(separator: "\n"))
        let a = ring.cipher.encrypt("11010519491231002X"), b = ring.cipher.encrypt("11010519491231002X")
        #expect(a != b)
        #expect(!a.contains("11010519491231002X"))
        #expect(a.hasPrefix("v1.k1."))
        #expect(try ring.cipher.decrypt(a) == "11010519491231002X")
        #expect(ring.cipher.lookupHash("11010519491231002X") == ring.cipher.lookupHash("11010519491231002X"))
        #expect(ring.cipher.lookupHash("11010519491231002X") != ring.cipher.lookupHash("440524188001010014"))
    }

    @Test("a tampered value or an unknown key is refused")
    func tamper() throws {
        let ring = try KeyRing.parse([Self.key("k1", 1), Self.audit].joined(separator: "\n"))
        let stored = ring.cipher.encrypt("440524188001010014")
        var bytes = Array(Data(base64Encoded: String(stored.split(separator: ".")[2]))!)
        bytes[bytes.count - 1] ^= 1
        let edited = "v1.k1." + Data(bytes).base64EncodedString()
        #expect(throws: KeyRingProblem.tampered) { try ring.cipher.decrypt(edited) }
        #expect(throws: KeyRingProblem.unknownKey("k9")) { try ring.cipher.decrypt("v1.k9." + String(stored.split(separator: ".")[2])) }
        #expect(throws: KeyRingProblem.malformed) { try ring.cipher.decrypt("440524188001010014") }
    }

    @Test("rotation: a new key on top encrypts, the old one still decrypts until removed")
    func rotation() throws {
        let old = try KeyRing.parse([Self.key("k1", 1), Self.audit].joined(separator: "\n"))
        let stored = old.cipher.encrypt("11010519491231002X")
        let rotated = try KeyRing.parse([Self.key("k2", 2), Self.key("k1", 1), Self.audit].joined(separator: "\n"))
        #expect(rotated.cipher.currentKeyID == "k2")
        #expect(try rotated.cipher.decrypt(stored) == "11010519491231002X")
        let reencrypted = rotated.cipher.encrypt(try rotated.cipher.decrypt(stored))
        #expect(FieldCipher.keyID(of: reencrypted) == "k2")
        let newOnly = try KeyRing.parse([Self.key("k2", 2), Self.audit].joined(separator: "\n"))
        #expect(try newOnly.cipher.decrypt(reencrypted) == "11010519491231002X")
        #expect(throws: KeyRingProblem.unknownKey("k1")) { try newOnly.cipher.decrypt(stored) }
        #expect(old.cipher.lookupHash("x") != rotated.cipher.lookupHash("x"), "rotation re-derives the look-up hash")
    }

    @Test("key files are checked line by line")
    func keyFiles() throws {
        #expect(throws: KeyRingProblem.noAuditKey) { try KeyRing.parse(Self.key("k1", 1)) }
        #expect(throws: KeyRingProblem.empty) { try KeyRing.parse(Self.audit) }
        #expect(throws: KeyRingProblem.badLine(2)) { try KeyRing.parse([Self.key("k1", 1), "nonsense"].joined(separator: "\n")) }
        #expect(throws: KeyRingProblem.badKeyLength(id: "k1", bytes: 3)) { try KeyRing.parse("k1:AAAA\n" + Self.audit) }
        #expect(throws: KeyRingProblem.duplicateID) { try KeyRing.parse([Self.key("k1", 1), Self.key("k1", 2), Self.audit].joined(separator: "\n")) }
        let fresh = try KeyRing.parse(KeyRing.newFile(fieldKeyID: "k1"))
        #expect(fresh.cipher.currentKeyID == "k1")
    }
}
