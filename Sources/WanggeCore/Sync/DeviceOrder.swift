import Foundation

/// Per-device ordering of queued writes. Each write a phone queues carries the next `device_seq`
/// of that phone (1, 2, 3…). A write whose predecessors have not arrived is held and applied when
/// they do, so a visit that changes a resident is never applied before the visit that added them.
/// A refused write still takes its turn (its refusal is its result), or one bad write would block
/// the phone for ever.
public enum DeviceOrder {
    public struct Admission: Sendable, Equatable {
        /// Sequence numbers to apply now, in order.
        public var apply: [Int64]
        /// Sequence numbers still waiting for a predecessor.
        public var held: [Int64]
        /// The highest sequence number applied once these are done.
        public var applied: Int64

        public init(apply: [Int64], held: [Int64], applied: Int64) {
            (self.apply, self.held, self.applied) = (apply, held, applied)
        }
    }

    /// - Parameters:
    ///   - applied: the highest sequence number of this device already applied (0 for none).
    ///   - held: sequence numbers already held.
    ///   - arriving: sequence numbers of the writes that just came in.
    public static func admit(applied: Int64, held: [Int64], arriving: [Int64]) -> Admission {
        var waiting = Set(held).union(arriving).filter { $0 > applied }
        var next = applied
        var apply: [Int64] = []
        while waiting.remove(next + 1) != nil {
            next += 1
            apply.append(next)
        }
        return Admission(apply: apply, held: waiting.sorted(), applied: next)
    }
}

/// The versions of the sync protocol. The server accepts the current one and the one before it,
/// so phones that have not yet loaded a new app version keep sending.
public enum SyncProtocol {
    public static let current = 2
    /// Version 1 sent a record's base version but no per-field base values, and no device order.
    public static let accepted: ClosedRange<Int> = 1...2
}
