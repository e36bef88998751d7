import Foundation
import Testing
import WanggeStore
@testable import WanggeWeb

@Suite("Backup and restore: the restore step's arguments and the file swap")
struct BackupTests {
    @Test("only `wangge restore --from FILE` is a restore step; help and other commands are not")
    func arguments() {
        #expect(RestoreStep(arguments: ["wangge", "restore", "--from", "/b/x.sqlite"]).map { [$0.from, "\($0.force)"] } == ["/b/x.sqlite", "false"])
        #expect(RestoreStep(arguments: ["wangge", "restore", "--force", "--from=/b/y.sqlite"]).map { [$0.from, "\($0.force)"] } == ["/b/y.sqlite", "true"])
        #expect(RestoreStep(arguments: ["wangge", "restore", "--from", "/b/x.sqlite", "--help"]) == nil)
        #expect(RestoreStep(arguments: ["wangge", "restore"]) == nil)
        #expect(RestoreStep(arguments: ["wangge", "backup", "--from", "/b/x.sqlite"]) == nil)
    }

    @Test("a restore over an existing database is refused without --force; with it the old file and its WAL are kept aside")
    func swap() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-restore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backup = dir + "/backup.sqlite", target = dir + "/data/wangge.sqlite"
        _ = FileManager.default.createFile(atPath: backup, contents: Data("new".utf8))
        // MUT: into an empty folder, then over it.
        let first = try StoreBackup.sqliteRestore(from: backup, to: target, force: false)
        _ = FileManager.default.createFile(atPath: target + "-wal", contents: Data("wal".utf8))
        #expect(throws: StoreError.self) { try StoreBackup.sqliteRestore(from: backup, to: target, force: false) }
        let kept = try StoreBackup.sqliteRestore(from: backup, to: target, force: true, now: Date(timeIntervalSince1970: 1_800_000_000))
        // validate
        #expect(first == nil)
        #expect(kept == target + ".before-restore-1800000000")
        #expect(FileManager.default.fileExists(atPath: target + ".before-restore-1800000000-wal") && !FileManager.default.fileExists(atPath: target + "-wal"))
        #expect(FileManager.default.contents(atPath: target) == Data("new".utf8))
        #expect(throws: StoreError.self) { try StoreBackup.sqliteRestore(from: dir + "/none.sqlite", to: target, force: true) }
    }
}
