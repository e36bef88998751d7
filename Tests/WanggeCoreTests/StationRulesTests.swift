import Testing
@testable import WanggeCore

@Suite("Service stations: the draft's checks, each naming its field")
struct StationRulesTests {
    /// A community of 0.01° × 0.01° around (116.40, 39.90).
    static let area = GeoArea(.rectangle(GeoBox(minLon: 116.40, minLat: 39.90, maxLon: 116.41, maxLat: 39.91)))

    static func draft(
        kind: String = "community_station", name: String = "和平里社区工作站", lon: String = "116.405", lat: String = "39.905", phone: String = "010-8411 2233",
        staff: String = "王丽 站长\n李强：事务代办员\n\n赵敏"
    ) -> StationDraft {
        StationDraft(kind: kind, name: name, address: " 和平里北街 3 号 ", lon: lon, lat: lat, hours: "周一至周五 8:30–17:30", phone: phone, staff: staff)
    }

    static func problem(_ d: StationDraft, level: UnitLevel = .community) -> OpennessProblem? {
        do {
            _ = try d.validated(level: level, area: area)
            return nil
        } catch { return error }
    }

    @Test("a good draft is cleaned: trimmed address, the point kept, staff split at the first space or colon")
    func good() throws {
        let s = try Self.draft().validated(level: .community, area: Self.area)
        #expect(s.kind == .communityStation && s.address == "和平里北街 3 号" && s.point == GeoPoint(lon: 116.405, lat: 39.905))
        #expect(s.staff == [StationStaff(name: "王丽", role: "站长"), StationStaff(name: "李强", role: "事务代办员"), StationStaff(name: "赵敏", role: "")])
        #expect(Station.staff(from: s.staffText) == s.staff)
        // No point at all is allowed; a point without a drawn boundary is taken as it is.
        let noPoint = try Self.draft(lon: "", lat: "").validated(level: .community, area: Self.area)
        #expect(noPoint.point == nil)
        let noArea = try Self.draft(lon: "0", lat: "0").validated(level: .community, area: nil)
        #expect(noArea.point == GeoPoint(lon: 0, lat: 0))
    }

    @Test("each bad field is refused with its own name")
    func refused() {
        let cases: [(StationDraft, UnitLevel, String, String)] = [
            (Self.draft(kind: "kiosk"), .community, "station.bad_kind", "kind"),
            // A street centre does not belong to a community, a work station not to a street.
            (Self.draft(kind: "street_centre"), .community, "station.kind_level", "kind"),
            (Self.draft(kind: "community_station"), .street, "station.kind_level", "kind"),
            (Self.draft(name: "  "), .community, "station.name_required", "name"),
            (Self.draft(name: String(repeating: "站", count: 61)), .community, "power.too_long", "name"),
            // A mobile is a person's, and the office phone is published unmasked.
            (Self.draft(phone: "13912345678"), .community, "station.bad_phone", "phone"),
            (Self.draft(phone: "+86 139 1234 5678"), .community, "station.bad_phone", "phone"),
            (Self.draft(phone: "1234"), .community, "station.bad_phone", "phone"),
            (Self.draft(phone: "010-8411 22a3"), .community, "station.bad_phone", "phone"),
            (Self.draft(lon: "116.405", lat: ""), .community, "case.bad_point", "location"),
            (Self.draft(lon: "200", lat: "39.905"), .community, "case.bad_point", "location"),
            // Just east of the boundary.
            (Self.draft(lon: "116.4101", lat: "39.905"), .community, "station.outside", "location"),
            (Self.draft(staff: "王丽 " + String(repeating: "岗", count: 31)), .community, "station.bad_staff", "staff"),
        ]
        for (d, level, key, field) in cases {
            let p = Self.problem(d, level: level)
            #expect(p?.messageKey == key && p?.field == field, "\(d) → \(String(describing: p))")
        }
        // "+86 139…" has a plus sign: refused before it is even counted. 12345 (five digits) is a hotline.
        #expect(StationDraft.officePhone("12345") == "12345")
        #expect(StationDraft.officePhone("0571-87654321-8001") == "0571-87654321-8001")
        #expect(StationDraft.officePhone("86 13912345678") == nil)
    }

    @Test("every kind belongs to exactly one level; grids and below keep none")
    func levels() {
        #expect(StationKind.kinds(for: .district) == [.districtCentre])
        #expect(StationKind.kinds(for: .street) == [.streetCentre])
        #expect(StationKind.kinds(for: .community) == [.communityStation, .partyStation])
        #expect(StationKind.kinds(for: .grid).isEmpty)
    }
}
