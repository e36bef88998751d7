import Foundation

/// One field of a register record as an offline write saw it: the value in the phone's copy when
/// the worker started (`base`) and the value the worker chose (`mine`). Masked fields are compared
/// as the phone saw them, masked.
public struct FieldEdit: Sendable, Codable, Equatable {
    public var field: String
    public var base: String?
    public var mine: String?

    public init(field: String, base: String?, mine: String?) {
        (self.field, self.base, self.mine) = (field, base, mine)
    }
}

/// A field that both the worker (offline) and someone on the server changed since the worker's copy.
public struct FieldClash: Sendable, Codable, Equatable {
    public var field: String
    public var base: String?
    public var mine: String?
    public var server: String?

    public init(field: String, base: String?, mine: String?, server: String?) {
        (self.field, self.base, self.mine, self.server) = (field, base, mine, server)
    }
}

/// The field-level three-way merge of an offline change into the register. The phone names the
/// server version of the record it started from; a field nobody else touched since then takes the
/// worker's value, a field the server changed meanwhile becomes a clash that a person resolves.
/// Register data never falls to "last write wins": a silent overwrite would lose what a colleague
/// recorded while the worker was in a basement.
public enum SyncMerge {
    public struct Outcome: Sendable, Equatable {
        /// Fields to write, with the worker's values.
        public var apply: [FieldEdit]
        /// Fields both sides changed, differently.
        public var clashes: [FieldClash]

        public init(apply: [FieldEdit], clashes: [FieldClash]) {
            (self.apply, self.clashes) = (apply, clashes)
        }
    }

    /// - Parameters:
    ///   - edits: the worker's changed fields with the values they started from.
    ///   - baseVersion: the record's server version the phone copied.
    ///   - serverVersion: the record's version now.
    ///   - server: the record's fields now, as the phone would see them (masked where the copy is).
    ///   - trustsBase: false for writes of clients that did not send per-field base values; then
    ///     any field of a record that moved on since `baseVersion` is a clash unless it already
    ///     holds the worker's value.
    public static func merge(_ edits: [FieldEdit], baseVersion: Int64, serverVersion: Int64, server: [String: String?], trustsBase: Bool = true)
        -> Outcome
    {
        var apply: [FieldEdit] = []
        var clashes: [FieldClash] = []
        for edit in edits where edit.base != edit.mine || !trustsBase {
            let now = server[edit.field] ?? nil
            // Someone already made the same change: nothing to write, nothing to argue about.
            if now == edit.mine { continue }
            let untouched = trustsBase ? now == edit.base : serverVersion <= baseVersion
            if untouched {
                apply.append(edit)
            } else {
                clashes.append(FieldClash(field: edit.field, base: edit.base, mine: edit.mine, server: now))
            }
        }
        return Outcome(apply: apply, clashes: clashes)
    }
}
