import Foundation

/// A council member as published: a name and a role, nothing that reaches the person.
public struct CouncilMemberDraft: Sendable, Equatable {
    public var name: String
    public var role: String

    public static let maxName = 40

    public init(name: String, role: String) { (self.name, self.role) = (name, role) }

    public func checked() throws(OpennessProblem) -> CouncilMemberDraft {
        let n = PowerItemDraft.clean(name), r = PowerItemDraft.clean(role)
        guard !n.isEmpty else { throw .invalid("council.name_required", field: "name") }
        guard n.count <= Self.maxName else { throw .invalid("power.too_long", [String(Self.maxName)], field: "name") }
        guard !r.isEmpty else { throw .invalid("council.role_required", field: "role") }
        guard r.count <= Self.maxName else { throw .invalid("power.too_long", [String(Self.maxName)], field: "role") }
        return CouncilMemberDraft(name: n, role: r)
    }
}

/// A council meeting as staff schedule it.
public struct CouncilMeetingDraft: Sendable, Equatable {
    public var title: String
    public var agenda: String
    public var heldOn: String
    public var startsAt: String
    public var place: String

    public static let maxTitle = 100
    public static let maxAgenda = 2000

    public init(title: String, agenda: String, heldOn: String, startsAt: String, place: String) {
        (self.title, self.agenda, self.heldOn, self.startsAt, self.place) = (title, agenda, heldOn, startsAt, place)
    }

    /// Checks every field; a start time is "HH:MM" on the 24-hour clock.
    public func checked() throws(OpennessProblem) -> CouncilMeetingDraft {
        let t = PowerItemDraft.clean(title), a = PowerItemDraft.clean(agenda), p = PowerItemDraft.clean(place)
        let day = PowerItemDraft.clean(heldOn), time = PowerItemDraft.clean(startsAt)
        guard !t.isEmpty else { throw .invalid("admission.title_required", field: "title") }
        guard t.count <= Self.maxTitle else { throw .invalid("power.too_long", [String(Self.maxTitle)], field: "title") }
        guard !a.isEmpty else { throw .invalid("council.agenda_required", field: "agenda") }
        guard a.count <= Self.maxAgenda else { throw .invalid("power.too_long", [String(Self.maxAgenda)], field: "agenda") }
        guard SimpleDate(iso: day) != nil else { throw .invalid("log.bad_day", field: "held_on") }
        guard Self.isClockTime(time) else { throw .invalid("council.bad_time", field: "starts_at") }
        guard !p.isEmpty else { throw .invalid("council.place_required", field: "place") }
        guard p.count <= Self.maxTitle else { throw .invalid("power.too_long", [String(Self.maxTitle)], field: "place") }
        return CouncilMeetingDraft(title: t, agenda: a, heldOn: day, startsAt: time, place: p)
    }

    static func isClockTime(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]) else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }

    /// Characters of a check-in code: no 0/O or 1/I/L, which people misread off a screen.
    public static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A fresh check-in code for a meeting, printed as its QR code at the door.
    public static func checkinCode<G: RandomNumberGenerator>(using g: inout G) -> String {
        String((0..<8).map { _ in codeAlphabet.randomElement(using: &g)! })
    }
}
