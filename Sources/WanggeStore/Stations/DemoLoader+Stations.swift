import Foundation
import WanggeCore

extension DemoLoader {
    /// The district's service centre, a centre for every street, and for every community its work
    /// station and a 党群服务站 in its first grid, each placed inside its unit's boundary.
    public func loadStations(now: Date) async throws -> Int {
        let units = try await UnitRepository(db).all(in: .everything).sorted { $0.code < $1.code }
        let repo = StationRepository(db)
        var made = 0
        func add(_ unit: UnitRow, _ kind: StationKind, _ name: String, _ address: String, at point: GeoPoint?, hours: String, phone: String, staff: [String]) async throws {
            let draft = StationDraft(
                kind: kind.rawValue, name: name, address: address, lon: point.map { String(format: "%.6f", $0.lon) } ?? "",
                lat: point.map { String(format: "%.6f", $0.lat) } ?? "", hours: hours, phone: phone, staff: staff.joined(separator: "\n"))
            _ = try await repo.save(draft, to: unit.id, by: "演示数据", at: now, in: .everything)
            made += 1
        }
        for (i, unit) in units.enumerated() {
            let point = unit.area.flatMap(Self.stationPoint)
            switch unit.level {
            case .district:
                try await add(
                    unit, .districtCentre, "\(unit.name)政务服务中心", "\(unit.name)行政服务大厅一层", at: point, hours: "周一至周五 9:00–17:00，周六 9:00–12:00",
                    phone: "010-8562 3100", staff: ["周建国 中心主任", "孙晓梅 综合受理窗口", "马俊 网格化指挥中心值班长"])
            case .street:
                try await add(
                    unit, .streetCentre, "\(unit.name)便民服务中心", "\(unit.name)办事处一层大厅", at: point, hours: "周一至周五 8:30–17:30（午间不休）",
                    phone: String(format: "010-8562 %04d", 3200 + i), staff: ["刘芳 中心负责人", "陈磊 社保医保窗口", "杨帆 综合受理窗口"])
            case .community:
                try await add(
                    unit, .communityStation, "\(unit.name)工作站", "\(unit.name)居委会办公楼一层", at: point, hours: "周一至周六 8:30–12:00，14:00–18:00",
                    phone: String(format: "010-8562 %04d", 4200 + i), staff: ["王丽 站长", "李强 事务代办员"])
                let grid = units.first { $0.parentID == unit.id && $0.level == .grid }
                try await add(
                    unit, .partyStation, "\((grid ?? unit).name)党群服务站", "\((grid ?? unit).name)中心花园旁活动室", at: (grid?.area ?? unit.area).flatMap(Self.stationPoint),
                    hours: "每天 9:00–11:30，15:00–20:00", phone: String(format: "010-8562 %04d", 5200 + i), staff: ["赵敏 党建指导员", "张秀英 志愿者（党员中心户）"])
            default:
                continue
            }
        }
        return made
    }

    /// A little south of the area's interior point, where the map writes the unit's name, so the
    /// station's dot does not sit on the label; the interior point itself when that falls outside.
    static func stationPoint(_ area: GeoArea) -> GeoPoint? {
        guard let p = area.interiorPoint else { return nil }
        let box = area.bbox
        let moved = GeoPoint(lon: p.lon, lat: p.lat - (box.maxLat - box.minLat) * 0.15)
        return area.contains(moved) ? moved : p
    }
}
