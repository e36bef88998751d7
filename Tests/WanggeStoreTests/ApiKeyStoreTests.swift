import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeStore
import WanggeTestSupport

@Suite("Open311 API keys in storage")
struct ApiKeyStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("create → authenticate → list → revoke → refused; only a hash is kept; a name can be reused after revoking", arguments: TestDatabase.enabled)
    func lifecycle(kind: TestDatabase) async throws {
        try await kind.withStore { db in
            let keys = ApiKeyRepository(db)
            let (row, key) = try await keys.create(name: "city-app", now: Self.t0)
            #expect(key.hasPrefix(ApiKeyRepository.prefix) && key.count == ApiKeyRepository.prefix.count + 64)
            #expect(row.name == "city-app" && row.isLive && row.lastUsedAt == nil)

            let stored = try await (db as! any SQLDatabase).raw("SELECT key_hash FROM open311_api_keys").all().map { try $0.decode(column: "key_hash", as: String.self) }
            #expect(stored.count == 1 && stored[0] != key && !stored[0].contains(key.dropFirst(ApiKeyRepository.prefix.count)), "only a hash is stored")

            let used = try #require(try await keys.authenticate(key, now: Self.t0.addingTimeInterval(5)))
            #expect(used.id == row.id)
            #expect(try await keys.list().first?.lastUsedAt == Self.t0.addingTimeInterval(5))
            #expect(try await keys.authenticate(key + "0", now: Self.t0) == nil)
            #expect(try await keys.authenticate("wg_" + key.dropFirst(5), now: Self.t0) == nil)
            #expect(try await keys.authenticate("", now: Self.t0) == nil)

            await #expect(throws: StoreError.self, "one live key per name") { try await keys.create(name: "city-app", now: Self.t0) }
            await #expect(throws: StoreError.self, "names have no spaces") { try await keys.create(name: "city app", now: Self.t0) }
            await #expect(throws: StoreError.self) { try await keys.create(name: String(repeating: "x", count: ApiKeyRepository.maxName + 1), now: Self.t0) }

            let revoked = try await keys.revoke(name: "city-app", now: Self.t0.addingTimeInterval(60))
            #expect(revoked.revokedAt == Self.t0.addingTimeInterval(60))
            #expect(try await keys.authenticate(key, now: Self.t0.addingTimeInterval(61)) == nil, "a revoked key is refused")
            await #expect(throws: StoreError.self, "nothing live to revoke") { try await keys.revoke(name: "city-app", now: Self.t0) }

            let (again, newKey) = try await keys.create(name: "city-app", now: Self.t0.addingTimeInterval(120))
            #expect(again.id != row.id && newKey != key)
            #expect(try await keys.authenticate(newKey, now: Self.t0.addingTimeInterval(121))?.id == again.id)
            let listed = try await keys.list()
            #expect(listed.count == 2 && listed.filter(\.isLive).map(\.id) == [again.id])
        }
    }
}
