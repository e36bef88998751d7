import Foundation
import WanggeCore

/// A person added to the household during a visit, in the same fields as the resident form.
public struct VisitMember: Codable, Sendable, Equatable {
    public var name: String
    public var idNumber: String?
    public var documentNumber: String?
    public var phone: String?
    public var relation: String?
    public var residenceType: String?
    public var tags: [String]?

    public init(
        name: String, idNumber: String?, documentNumber: String? = nil, phone: String? = nil, relation: String? = nil, residenceType: String? = nil,
        tags: [String]? = nil
    ) {
        (self.name, self.idNumber, self.documentNumber, self.phone) = (name, idNumber, documentNumber, phone)
        (self.relation, self.residenceType, self.tags) = (relation, residenceType, tags)
    }
}

/// One change to the register found on a visit (活户籍): a new member, a member who moved out, a
/// new phone number, care tags added or removed.
public struct VisitChange: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case addMember = "add_member"
        case moveOut = "move_out"
        case phone
        case tags

        public var nameKey: String { "visit.change.\(rawValue)" }
    }

    public var kind: Kind
    /// The member concerned (every kind but `addMember`).
    public var residentID: UUID?
    /// The new member (`addMember`).
    public var member: VisitMember?
    /// The new phone number (`phone`).
    public var phone: String?
    public var addTags: [String]?
    public var removeTags: [String]?

    public init(
        kind: Kind, residentID: UUID? = nil, member: VisitMember? = nil, phone: String? = nil, addTags: [String]? = nil, removeTags: [String]? = nil
    ) {
        (self.kind, self.residentID, self.member, self.phone, self.addTags, self.removeTags) = (kind, residentID, member, phone, addTags, removeTags)
    }

    public static func addMember(_ member: VisitMember) -> Self { Self(kind: .addMember, member: member) }
    public static func moveOut(_ id: UUID) -> Self { Self(kind: .moveOut, residentID: id) }
    public static func phone(_ id: UUID, _ phone: String) -> Self { Self(kind: .phone, residentID: id, phone: phone) }
    public static func tags(_ id: UUID, add: [String] = [], remove: [String] = []) -> Self { Self(kind: .tags, residentID: id, addTags: add, removeTags: remove) }

    /// Camel-case keys: the API's snake_case strategy maps `resident_id` to them both ways.
    enum CodingKeys: String, CodingKey {
        case kind, member, phone, addTags, removeTags
        case residentID = "residentId"
    }
}

/// A need raised on a visit; once the visit is recorded it is a row of the needs log.
public struct VisitNeed: Codable, Sendable, Equatable {
    public var text: String
    public var needID: UUID?

    enum CodingKeys: String, CodingKey {
        case text
        case needID = "needId"
    }
}

/// A photo of a visit, without its bytes.
public struct VisitPhotoRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var visitID: UUID
    public var contentType: String
    public var byteSize: Int
    public var sha256: String
    public var originalName: String

    enum CodingKeys: String, CodingKey {
        case id, sha256
        case visitID = "visit_id", contentType = "content_type", byteSize = "byte_size", originalName = "original_name"
    }

    static let columns = "p.id, p.visit_id, p.content_type, p.byte_size, p.sha256, p.original_name"
}

/// A home visit (入户走访) as the pages and the API show it.
public struct HomeVisit: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var householdID: UUID
    public var householdNumber: String
    public var unitID: UUID
    public var state: VisitState
    public var day: String
    public var visitedAt: Date
    public var visitorID: UUID?
    public var visitorName: String
    public var seen: String
    /// The members met, by id.
    public var met: [UUID]
    public var needs: [VisitNeed]
    public var changes: [VisitChange]
    /// Why a draft was not recorded: each problem names its change (`changes.0.id_number`).
    public var problems: [FieldProblem]
    public var clientID: String?
    public var photos: [VisitPhotoRow]

    enum CodingKeys: String, CodingKey {
        case id, state, day, seen, met, needs, changes, problems, photos
        case householdID = "household_id", householdNumber = "household_number", unitID = "unit_id", visitedAt = "visited_at"
        case visitorID = "visitor_id", visitorName = "visitor_name", clientID = "client_id"
    }
}

extension HomeVisit {
    /// The visit as the API shows it: ID numbers and phones in its register changes masked, as on
    /// the resident API. The full values went into the register (where the unmask gate guards them);
    /// the visit record is not a second way round that gate.
    public var masked: HomeVisit {
        var v = self
        v.changes = changes.map { c in
            var c = c
            c.phone = c.phone.map(Mask.phone)
            if var m = c.member {
                m.idNumber = m.idNumber.map(Mask.idNumber)
                m.documentNumber = m.documentNumber.map(Mask.idNumber)
                m.phone = m.phone.map(Mask.phone)
                c.member = m
            }
            return c
        }
        return v
    }
}

/// What a worker sends to record a visit.
public struct VisitSubmission: Sendable, Equatable {
    public var householdID: UUID
    /// The draft being completed, if this is a second try.
    public var draftID: UUID?
    /// The phone's own id for this visit, so a resend returns the stored visit.
    public var clientID: UUID?
    public var visitedAt: Date
    public var seen: String
    public var met: [UUID]
    public var needs: [String]
    public var changes: [VisitChange]
    public var photos: [CheckedAttachment]

    public init(
        householdID: UUID, draftID: UUID? = nil, clientID: UUID? = nil, visitedAt: Date, seen: String, met: [UUID] = [], needs: [String] = [],
        changes: [VisitChange] = [], photos: [CheckedAttachment] = []
    ) {
        (self.householdID, self.draftID, self.clientID, self.visitedAt, self.seen) = (householdID, draftID, clientID, visitedAt, seen)
        (self.met, self.needs, self.changes, self.photos) = (met, needs, changes, photos)
    }
}

/// The outcome of a submission: the visit as stored, and whether it was stored before (the same
/// `client_id` sent again).
public struct VisitOutcome: Sendable, Equatable {
    public var visit: HomeVisit
    public var replayed: Bool
}
