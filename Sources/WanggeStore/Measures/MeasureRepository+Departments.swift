import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// A department's figures within a unit: the cases sent to it from that part of the tree.
public struct DepartmentFigures: Sendable {
    public var department: DepartmentRow
    public var counts: TallyCounts
}

extension MeasureRepository {
    /// The departments whose figures `scope` may read: every department for a scope without a
    /// department limit, else only the scope's own. A key outside them is not found (404).
    public func departments(in scope: Scope) async throws -> [DepartmentRow] {
        let all = try await sql.raw("SELECT key, name_zh, name_en FROM departments ORDER BY sort").all(decoding: DepartmentRow.self)
        guard let own = scope.departments else { return all }
        return all.filter { own.contains($0.key) }
    }

    /// One department in scope, or not found.
    public func department(_ key: String, in scope: Scope) async throws -> DepartmentRow {
        guard let d = try await departments(in: scope).first(where: { $0.key == key }) else { throw StoreError.notFound("department") }
        return d
    }

    /// The unit a department's figures are read for in `scope`: the unit given, when in the
    /// scope's part of the tree, else the top of that part. Department figures count only cases
    /// sent to the department, so a department's own account may read them.
    public func departmentUnit(_ id: UUID?, in scope: Scope) async throws -> UnitRow {
        let units = UnitRepository(db)
        if let id {
            guard let unit = try await units.find(id, in: scope) else { throw StoreError.notFound("unit") }
            return unit
        }
        guard let root = try await units.roots(in: scope).first else { throw StoreError.notFound("unit") }
        return root
    }

    func departmentRange(_ key: String, _ unit: UUID, _ p: MeasurePeriod) -> SQLQueryString {
        "unit_id = \(bind: unit) AND department_key = \(bind: key) AND \(range(p))"
    }

    /// The department's counters within `unit` over the period.
    public func totals(department key: String, unit: UUID, _ period: MeasurePeriod) async throws -> TallyCounts {
        let row = try await sql.raw("SELECT \(unsafeRaw: Self.sums) FROM case_department_tallies WHERE \(departmentRange(key, unit, period))").first()
        return try row.map(Self.counts) ?? TallyCounts()
    }

    /// The department's counters within `unit` grouped by day, month, category or channel, in key order.
    public func grouped(
        department key: String, unit: UUID, _ period: MeasurePeriod, by column: Grouping
    ) async throws -> [(key: String, counts: TallyCounts)] {
        let k = column.expression
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: k) AS k, \(unsafeRaw: Self.sums) FROM case_department_tallies WHERE \(departmentRange(key, unit, period)) \
            GROUP BY \(unsafeRaw: k) ORDER BY \(unsafeRaw: k)
            """
        ).all()
        return try rows.map { row -> (key: String, counts: TallyCounts) in (try row.decode(column: "k", as: String.self), try Self.counts(row)) }
    }

    /// Every department's counters within `unit` over the period, in one grouped sum; departments
    /// sent nothing have zero counters.
    public func departmentTotals(_ departments: [DepartmentRow], unit: UUID, _ period: MeasurePeriod) async throws -> [DepartmentFigures] {
        guard !departments.isEmpty else { return [] }
        var byKey: [String: TallyCounts] = [:]
        for row in try await sql.raw(
            """
            SELECT department_key, \(unsafeRaw: Self.sums) FROM case_department_tallies \
            WHERE unit_id = \(bind: unit) AND department_key IN (\(binds: departments.map(\.key))) AND \(range(period)) GROUP BY department_key
            """
        ).all() {
            byKey[try row.decode(column: "department_key", as: String.self)] = try Self.counts(row)
        }
        return departments.map { DepartmentFigures(department: $0, counts: byKey[$0.key] ?? TallyCounts()) }
    }
    /// The department's counters in each of `units` over the period, keyed by unit; units sent nothing are left out.
    public func totals(department key: String, units: [UUID], _ period: MeasurePeriod) async throws -> [UUID: TallyCounts] {
        guard !units.isEmpty else { return [:] }
        var out: [UUID: TallyCounts] = [:]
        for row in try await sql.raw(
            """
            SELECT unit_id, \(unsafeRaw: Self.sums) FROM case_department_tallies \
            WHERE unit_id IN (\(binds: units)) AND department_key = \(bind: key) AND \(range(period)) GROUP BY unit_id
            """
        ).all() {
            out[try row.decode(column: "unit_id", as: UUID.self)] = try Self.counts(row)
        }
        return out
    }
}
