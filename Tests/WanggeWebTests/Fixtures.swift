import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import WanggeCore
import WanggeStore
import WanggeTestSupport
@testable import WanggeWeb

/// What the HTTP tests share: the demo district's codes, files to upload, and a multipart upload.
enum WebFixture {
    static let districtCode = "110199"
    /// The grid the demo accounts `gridworker` and `proxy` are bound to; its team has only 2 people.
    static let ownGridCode = "110199001001001"
    static let communityCodes = ["110199001001", "110199101001"]

    static func unit(_ app: Application, _ code: String) async throws -> UnitRow {
        try #require(try await UnitRepository(app.db).find(code: code, in: .everything), "no unit \(code)")
    }

    /// A valid ID number nobody in the demo has (the demo uses region 110199).
    static func freshID(_ n: Int) -> String {
        ResidentID.make(region: "440524", birth: SimpleDate(year: 1985, month: 6, day: 1)!, sequence: n).value
    }

    static let residentHeader = "姓名,身份证号,联系电话,户号,与户主关系,居住类型,标签"

    /// A residents file with three bad rows (3, 4 and 5) around a good one.
    static func badResidents(household: String) -> String {
        [
            residentHeader,
            "张三,\(freshID(1)),13812345678,\(household),户主,户籍,",
            "李四,110105194912310021,,\(household),,,",
            "王五,\(freshID(2)),12345,\(household),,,",
            "赵六,\(freshID(3)),,\(household),邻居,,",
        ].joined(separator: "\n") + "\n"
    }

    static func goodResidents(household: String) -> String {
        [residentHeader, "钱七,\(freshID(7)),13812345677,\(household),其他,流动,"].joined(separator: "\n") + "\n"
    }

    static func count(_ app: Application, _ table: String) async throws -> Int {
        try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// "2144" → "2,144", as pages print counts.
    static func grouped(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? "\(n)"
    }

    static func percentEncoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    static let fullIDPattern = #"(?<![\d*])[1-9]\d{16}[\dX](?!\d)"#
    static let maskedIDPattern = #"\d{3}\*{11}[\dX]{4}"#

    /// A closed rectangle as a GeoJSON Polygon.
    static func polygon(_ b: GeoBox) -> String {
        let ring = [(b.minLon, b.minLat), (b.maxLon, b.minLat), (b.maxLon, b.maxLat), (b.minLon, b.maxLat), (b.minLon, b.minLat)]
        return #"{"type":"Polygon","coordinates":[["# + ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]]}"
    }
}

extension Browser {
    /// Posts a multipart form with one file, as the import page's form does.
    @discardableResult
    mutating func upload(
        _ path: String, fields: [String: String], file: String, filename: String, content: [UInt8],
        csrf include: Bool = true, headers: [String: String] = [:]
    ) async throws -> TestingHTTPResponse {
        try await multipart(path, fields: fields, files: [(file, filename, "text/csv", content)], csrf: include, headers: headers)
    }
}

extension TestingHTTPResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    /// The `error` object of an API error body.
    var apiError: [String: Any] { object["error"] as? [String: Any] ?? [:] }
}

extension String {
    func matches(_ pattern: String) -> Bool { range(of: pattern, options: .regularExpression) != nil }
}
