import Crypto
import FluentKit
import Foundation
import SQLKit
import Testing
import WanggeCore
import WanggeSecurity
@testable import WanggeStore
import WanggeTestSupport

/// The import corpus (`Corpus/`, written by `Corpus/make.py`): files as Excel, WPS and people
/// leave them, each with what the import must do. A refused file must leave the register exactly
/// as it was (the tables' contents hashed before and after).
@Suite("The import corpus: files as Excel and offices make them")
struct ImportCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    enum Outcome {
        /// Written: rows added, the encoding found, and notices (row, column) expected.
        case accepted(inserted: Int, encoding: SourceEncoding, notices: [(Int, String)] = [])
        /// Refused: the problems expected (row, column, message).
        case refused([(Int?, String?, String)])
    }

    static let cases: [(String, Outcome)] = [
        ("excel-gbk-crlf.csv", .accepted(inserted: 3, encoding: .gb18030)),
        ("excel-utf8-bom.csv", .accepted(inserted: 2, encoding: .utf8BOM)),
        ("wps-utf8-lf.csv", .accepted(inserted: 1, encoding: .utf8)),
        ("gb18030-four-byte.csv", .accepted(inserted: 2, encoding: .gb18030)),
        ("partial-columns.csv", .accepted(inserted: 2, encoding: .gb18030)),
        (
            "typed-apostrophe-fullwidth-id15.csv",
            .accepted(inserted: 3, encoding: .gb18030, notices: [(2, "身份证号"), (3, "联系电话"), (4, "身份证号")])
        ),
        ("excel-scientific.csv", .refused([(3, "身份证号", L10n.t("excel.scientific", "3.20102E+17"))])),
        ("excel-truncated.csv", .refused([(3, "身份证号", L10n.t("excel.truncated", "320102198503151000"))])),
        ("pasted-gbk-header-utf8-body.csv", .refused([(nil, nil, TextDecodingProblem.mixedEncodings(gbLine: 1, utf8Line: 2).message())])),
        ("duplicate-header.csv", .refused([(1, "联系电话", L10n.t("import.duplicate_column", "联系电话、联系电话"))])),
        // The second record spans two lines; Excel shows the bad one as row 4, not line 5.
        ("embedded-newline.csv", .refused([(4, "联系电话", L10n.t("phone.invalid", "12345"))])),
    ]

    @Test("each file of the corpus is read as it must be", arguments: TestDatabase.enabled)
    func corpus(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            let scope = try await ImportExportTests.districtScope(database)
            let importer = RegisterImporter(database, cipher: TestDatabase.keys.cipher)
            for (file, outcome) in Self.cases {
                let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(file)))
                let before = try await Self.registerHash(database)
                let count = try await Fixture.count(database, "residents")
                switch outcome {
                case .accepted(let inserted, let encoding, let notices):
                    let result = try await importer.run(.residents, bytes: bytes, in: scope)
                    #expect(result.inserted == inserted && result.encoding == encoding.rawValue, "\(file): \(result)")
                    #expect(result.notices.map { "\($0.row ?? 0) \($0.column ?? "")" } == notices.map { "\($0.0) \($0.1)" }, "\(file): \(result.notices)")
                    #expect(try await Fixture.count(database, "residents") == count + inserted, "\(file)")
                case .refused(let expected):
                    let failure = try await #require(throws: ImportFailure.self, "\(file)") { try await importer.run(.residents, bytes: bytes, in: scope) }
                    #expect(
                        failure.problems.map { "\($0.row.map(String.init) ?? "-") \($0.column ?? "-") \($0.message)" }
                            == expected.map { "\($0.0.map(String.init) ?? "-") \($0.1 ?? "-") \($0.2)" }, "\(file)")
                    let after = try await Self.registerHash(database)
                    #expect(after == before, "\(file): a refused file writes nothing")
                }
            }
            // The four-byte character came through whole.
            let names = try await Fixture.sql(database).raw("SELECT name FROM residents WHERE name IN ('王𠀀', '李㐀')").all(decoding: [String: String].self)
            #expect(names.count == 2)
        }
    }

    @Test("200,000 bad rows: every problem counted, the first 10,000 kept, the whole list as CSV, nothing written", arguments: [TestDatabase.sqlite])
    func twoHundredThousandBadRows(db: TestDatabase) async throws {
        try await db.withStore(Fixture.demo) { database in
            let scope = try await ImportExportTests.districtScope(database)
            var text = "户号,地址,网格编码\r\n"
            text.reserveCapacity(200_000 * 40)
            for i in 0..<200_000 { text += "X\(i),某路\(i)号,999999\r\n" }
            let before = try await Self.registerHash(database)
            // MUT
            let failure = try await #require(throws: ImportFailure.self) {
                try await RegisterImporter(database, cipher: TestDatabase.keys.cipher).run(.households, bytes: Array(text.utf8), in: scope)
            }
            // validate
            #expect(failure.total == 200_000)
            #expect(failure.problems.count == ProblemLog.keep)
            #expect(failure.problems.last?.row == ProblemLog.keep + 1)
            let lines = String(decoding: failure.csv, as: UTF8.self).split(separator: "\r\n")
            #expect(lines.count == 200_001 && lines.last == "200001,网格编码,\(L10n.t("import.unknown_grid", "999999"))")
            #expect(try await Self.registerHash(database) == before)
        }
    }

    /// SHA-256 of every row of the register's tables an import writes.
    static func registerHash(_ database: any Database) async throws -> String {
        let sql = Fixture.sql(database)
        var hasher = SHA256()
        for (table, columns) in [
            ("residents", "id, name, id_number_hash, document_number, phone, household_id, relation, residence_type, unit_id"),
            ("resident_tags", "resident_id, tag_key"), ("households", "id, number, unit_id, building_id, room, address, kind"),
            ("buildings", "id, code, unit_id, name, address, kind, floors, lon, lat"), ("import_batches", "id, kind"),
        ] {
            for row in try await sql.raw("SELECT \(unsafeRaw: columns) FROM \(ident: table) ORDER BY 1, 2").all() {
                for column in row.allColumns {
                    hasher.update(data: Data(cell(row, column).utf8))
                    hasher.update(data: [0x1F])
                }
            }
        }
        return Hex.string(hasher.finalize())
    }

    /// A cell as text, whatever its type on either database.
    static func cell(_ row: any SQLRow, _ column: String) -> String {
        if (try? row.decodeNil(column: column)) == true { return "∅" }
        if let v = try? row.decode(column: column, as: String.self) { return v }
        if let v = try? row.decode(column: column, as: UUID.self) { return v.uuidString }
        if let v = try? row.decode(column: column, as: Double.self) { return "\(v)" }
        if let v = try? row.decode(column: column, as: Int.self) { return "\(v)" }
        return "?"
    }
}
