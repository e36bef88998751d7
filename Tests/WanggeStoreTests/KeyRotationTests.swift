import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
import WanggeStore
import WanggeTestSupport

@Suite("Key rotation: re-encrypt under the newest key, recompute look-up hashes")
struct KeyRotationTests {
    static func key(_ id: String, _ byte: UInt8) throws -> FieldCipher.Key { try FieldCipher.Key(id: id, bytes: Array(repeating: byte, count: 32)) }
    static var onlyK1: FieldCipher { try! FieldCipher(keys: [key("k1", 1)]) }
    static var k2ThenK1: FieldCipher { try! FieldCipher(keys: [key("k2", 2), key("k1", 1)]) }
    static var onlyK2: FieldCipher { try! FieldCipher(keys: [key("k2", 2)]) }

    struct Stored: Decodable { var id: UUID; var id_number: String; var id_number_hash: String? }

    static func stored(_ db: any Database) async throws -> [Stored] {
        try await Fixture.sql(db).raw("SELECT id, id_number, id_number_hash FROM residents WHERE id_number IS NOT NULL").all(decoding: Stored.self)
    }

    @Test("ID numbers under k1 move to k2, stay searchable, and a ring of k2 alone reads them all", arguments: TestDatabase.enabled)
    func rotateResidents(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup: a demo district (several pages of 1,000) and a TOTP secret, all under k1
            _ = try await DemoLoader(database, cipher: Self.onlyK1).load(Fixture.demoConfig)
            let account = try await AccountRepository(database).create(
                username: "admin", displayName: "a", passwordHash: "x", role: .sysAdmin,
                unitID: nil, mustChangePassword: false)
            try await Fixture.sql(database).update("accounts").set("totp_secret", to: Self.onlyK1.encrypt("JBSWY3DPEHPK3PXP")).where("id", .equal, account.id).run()
            let before = try await Self.stored(database)
            #expect(before.count > KeyRotation.pageSize, "the demo must span several pages")
            #expect(before.allSatisfy { $0.id_number.hasPrefix("v1.k1.") })
            let plain = try await ResidentRepository(database, cipher: Self.onlyK1).search(nil, limit: 500, in: .everything).rows
            let sample = try #require(plain.first { $0.idNumber != nil })
            var calls: [(Int, Int)] = []
            // MUT
            let rotation = KeyRotation(database, cipher: Self.k2ThenK1)
            let report = try await rotation.rotate { calls.append(($0, $1)) }
            // validate
            let after = try await Self.stored(database)
            #expect(report.residents == before.count)
            #expect(report.reencrypted == before.count)
            #expect(report.rehashed == before.count, "the look-up key comes from the newest key, so every hash changes")
            #expect(report.totpSecrets == 1)
            #expect(after.count == before.count)
            #expect(after.allSatisfy { $0.id_number.hasPrefix("v1.k2.") })
            #expect(try await rotation.remaining() == 0)
            #expect(calls.count >= 3 && calls.last.map { $0.0 == $0.1 } == true, "progress after each page and at the end: \(calls)")
            let found = try await ResidentRepository(database, cipher: Self.k2ThenK1).search(sample.idNumber, in: .everything)
            #expect(found.total == 1 && found.rows.first?.id == sample.id)
            // A ring of k2 alone: the old key may now be removed.
            let k2only = ResidentRepository(database, cipher: Self.onlyK2)
            var read = 0
            var offset = 0
            while true {
                let page = try await k2only.search(nil, limit: 500, offset: offset, in: .everything).rows
                if page.isEmpty { break }
                read += page.filter { $0.idNumber != nil }.count
                offset += page.count
            }
            #expect(read == before.count)
            #expect(try await k2only.search(sample.idNumber, in: .everything).rows.first?.idNumber == sample.idNumber)
            let totp = try #require(try await AccountRepository(database).find(account.id)?.totpSecret)
            #expect(try Self.onlyK2.decrypt(totp) == "JBSWY3DPEHPK3PXP")
            // Running again changes nothing.
            let again = try await rotation.rotate()
            #expect(again.reencrypted == 0 && again.rehashed == 0 && again.totpSecrets == 0)
        }
    }

    @Test("rotation with the old key missing from the ring stops and names the problem", arguments: TestDatabase.enabled)
    func missingOldKey(db: TestDatabase) async throws {
        try await db.withStore { database in
            // setup
            let people = ResidentRepository(database, cipher: Self.onlyK1)
            let input = ResidentInput(
                name: "张三", idNumber: Fixture.freshID(11), phone: nil, householdNumber: nil, relation: nil,
                residenceType: "registered", tags: [])
            _ = try await people.create(input, in: .everything)
            // MUT
            let error = await Fixture.storeError { try await KeyRotation(database, cipher: Self.onlyK2).rotate() }
            // validate
            #expect(error?.key == "keys.cannot_decrypt")
            #expect(try await Self.stored(database).allSatisfy { $0.id_number.hasPrefix("v1.k1.") }, "nothing is half-rotated")
        }
    }
}
