import Foundation
import SQLKit

/// A row read column by column, for the rows read most often (cases, categories, units): SQLKit's
/// `Decodable` path builds keyed containers and looks types up at run time for every field, which
/// cost more than SQLite took to find the rows (a dashboard's red and yellow cards and the
/// categories were 4 % of its time). The values and errors are the row's own `decode(column:as:)`.
struct RowColumns {
    let row: any SQLRow

    init(_ row: any SQLRow) { self.row = row }

    func callAsFunction<T: Decodable>(_ column: String) throws -> T { try row.decode(column: column, as: T.self) }

    /// A column holding an enumeration's raw value.
    func value<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        try Self.value(column, try row.decode(column: column, as: String.self))
    }

    /// A column holding an enumeration's raw value, or NULL.
    func optional<E: RawRepresentable>(_ column: String) throws -> E? where E.RawValue == String {
        try row.decode(column: column, as: String?.self).map { try Self.value(column, $0) }
    }

    static func value<E: RawRepresentable>(_ column: String, _ raw: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "column \(column): “\(raw)” is not a \(E.self)"))
        }
        return value
    }
}

extension CaseRow {
    /// A row of `CaseRow.columns`, read column by column (see `RowColumns`).
    init(row: any SQLRow) throws {
        let c = RowColumns(row)
        self.init(
            id: try c("id"), trackingCode: try c("tracking_code"), publicCode: try c("public_code"), categoryKey: try c("category_key"),
            state: try c.value("state"), level: try c.value("level"), unitID: try c("unit_id"), departmentKey: try c("department_key"),
            channel: try c.value("channel"), title: try c("title"), description: try c("description"), lon: try c("lon"), lat: try c("lat"),
            address: try c("address"), reporterName: try c("reporter_name"), reporterPhone: try c("reporter_phone"),
            reportedAt: try c("reported_at"), respondedAt: try c("responded_at"), closedAt: try c("closed_at"), respondBy: try c("respond_by"),
            respondWarnAt: try c("respond_warn_at"), resolveBy: try c("resolve_by"), resolveWarnAt: try c("resolve_warn_at"),
            reworkCount: try c("rework_count"), reopenCount: try c("reopen_count"), supervisionCount: try c("supervision_count"),
            outcome: try c.optional("outcome"), rating: try c.optional("rating"), mergedInto: try c("merged_into"),
            suspendedSince: try c("suspended_since"), suspendedUntil: try c("suspended_until"),
            stateBeforeSuspension: try c.optional("state_before_suspension"), suspensions: try c("suspensions"), version: try c("version"),
            reporterPhoneHash: try c("reporter_phone_hash"), reporterEmail: try c("reporter_email"))
    }
}

extension CategoryRow {
    /// A row of `CategoryRow.columns`, read column by column (see `RowColumns`).
    init(row: any SQLRow) throws {
        let c = RowColumns(row)
        self.init(
            key: try c("key"), parentKey: try c("parent_key"), kind: try c.value("kind"), nameZh: try c("name_zh"), nameEn: try c("name_en"),
            departmentKey: try c("department_key"), respondHours: try c("respond_hours"), resolveHours: try c("resolve_hours"),
            counting: try c.value("counting"), complex: try c("complex"), active: try c("active"), onSpot: try c("on_spot"),
            warnPercent: try c("warn_percent"))
    }
}

extension UnitRow {
    /// A row of `UnitRepository.columns`, read column by column (see `RowColumns`): a ranking reads
    /// a district's 1,100 units.
    init(row: any SQLRow) throws {
        let c = RowColumns(row)
        self.init(
            id: try c("id"), parentID: try c("parent_id"), level: try c.value("level"), code: try c("code"), name: try c("name"),
            path: try c("path"), boundary: try c("boundary"), minLon: try c("min_lon"), minLat: try c("min_lat"), maxLon: try c("max_lon"),
            maxLat: try c("max_lat"), retiredAt: try c("retired_at"), retiredInto: try c("retired_into"), createdAt: try c("created_at"))
    }
}
