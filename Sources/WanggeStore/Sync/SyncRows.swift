import Foundation
import WanggeCore

/// A phone registered for offline work: one per log-in on a device (log-out retires it).
public struct SyncDevice: Codable, Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var unitID: UUID?
    public var label: String
    public var appVersion: String
    /// The highest `device_seq` applied (writes after a gap wait for it).
    public var appliedSeq: Int64
    public var registeredAt: Date
    public var lastSeenAt: Date
    public var retiredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, label
        case accountID = "account_id", unitID = "unit_id", appVersion = "app_version", appliedSeq = "applied_seq"
        case registeredAt = "registered_at", lastSeenAt = "last_seen_at", retiredAt = "retired_at"
    }

    static let columns = "id, account_id, unit_id, label, app_version, applied_seq, registered_at, last_seen_at, retired_at"
}

/// A device that has not synced for a while, with whose it is.
public struct SilentDevice: Codable, Sendable, Equatable {
    public var device: SyncDevice
    public var accountName: String
    public var unitName: String?
    /// Writes received but held for a missing predecessor.
    public var held: Int
}

/// Where a queued write stands on the server. A receipt is written the first time a write arrives
/// and answers every later copy of it.
public enum SyncReceiptStatus: String, Sendable, Codable {
    /// Waiting for an earlier write of the same device.
    case held
    case applied
    /// Applied, with one or more fields recorded as conflicts instead of written.
    case conflict
    /// Not applied; the reason says why. The phone keeps it for the worker to fix.
    case refused
}

/// The answer for one queued write.
public struct SyncResult: Codable, Sendable, Equatable {
    public var clientId: String
    public var status: SyncReceiptStatus
    /// A localisation key's message, for refused writes.
    public var reason: String?
    public var field: String?
    /// The record made or changed (visit, need, log entry, case, resident).
    public var recordId: UUID?
    /// A case's tracking code.
    public var code: String?
    /// A visit kept as a draft: resubmit with this id.
    public var draftId: UUID?
    public var conflicts: [UUID]?

    public init(
        clientId: String, status: SyncReceiptStatus, reason: String? = nil, field: String? = nil, recordId: UUID? = nil, code: String? = nil,
        draftId: UUID? = nil, conflicts: [UUID]? = nil
    ) {
        (self.clientId, self.status, self.reason, self.field, self.recordId) = (clientId, status, reason, field, recordId)
        (self.code, self.draftId, self.conflicts) = (code, draftId, conflicts)
    }
}

/// A stored receipt with the write's body while it is held.
public struct SyncReceipt: Sendable, Equatable {
    public var clientID: String
    public var deviceID: UUID
    public var deviceSeq: Int64
    public var kind: String
    public var status: SyncReceiptStatus
    public var body: String?
    public var result: SyncResult
}

/// A register field both an offline worker and someone on the server changed.
public struct SyncConflictRecord: Codable, Sendable, Equatable {
    public var id: UUID
    public var residentID: UUID
    public var residentName: String
    public var unitID: UUID?
    public var field: String
    public var base: String?
    public var mine: String?
    public var server: String?
    public var state: SyncConflictState
    public var authorID: UUID
    public var authorName: String
    public var createdAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var finalValue: String?
}

/// One household of the phone's copy, with where it stands in the visit rule.
public struct SyncHousehold: Codable, Sendable, Equatable {
    public var id: UUID
    public var v: Int64
    public var number: String
    public var gridId: UUID?
    public var buildingId: UUID?
    public var room: String?
    public var address: String
    public var lastVisit: String?
    public var status: VisitStatus?
    public var dueBy: String?
}

public struct SyncBuilding: Codable, Sendable, Equatable {
    public var id: UUID
    public var v: Int64
    public var name: String
    public var address: String
    public var gridId: UUID?
    public var lon: Double
    public var lat: Double
}

/// A resident as the phone keeps them: ID number and phone masked, sensitive tags only for roles
/// whose work needs them (the same conversion as every page).
public struct SyncResident: Codable, Sendable, Equatable {
    public var id: UUID
    public var v: Int64
    public var name: String
    public var idNumber: String?
    public var phone: String?
    public var sex: String?
    public var age: Int?
    public var householdId: UUID?
    public var relation: String?
    public var tags: [String]
}

public struct SyncNeed: Codable, Sendable, Equatable {
    public var id: UUID
    public var v: Int64
    public var gridId: UUID
    public var text: String
    public var householdNumber: String?
    public var recordedAt: Date
}

/// An open case of the worker's grid, as the phone lists it.
public struct SyncCase: Codable, Sendable, Equatable {
    public var id: UUID
    public var v: Int64
    public var trackingCode: String
    public var title: String
    public var state: CaseState
    public var address: String?
    public var gridId: UUID?
    public var resolveBy: Date
}

/// A page of the phone's copy: everything (cursor 0) or what changed after a cursor.
public struct SyncPage: Codable, Sendable, Equatable {
    public var cursor: Int64
    /// More changes wait: ask again with `cursor`.
    public var more: Bool
    public var full: Bool
    public var buildings: [SyncBuilding]
    public var households: [SyncHousehold]
    public var residents: [SyncResident]
    public var needs: [SyncNeed]
    public var cases: [SyncCase]
    /// Rows gone from the worker's grids (moved away, resolved, deleted), by kind.
    public var removed: [String: [UUID]]
}
