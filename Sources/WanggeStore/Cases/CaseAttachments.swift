import Crypto
import FluentKit
import Foundation
import SQLKit
import WanggeCore
import WanggeSecurity

/// A file as it came in with a report or a step, before it is checked.
public struct AttachmentUpload: Sendable, Equatable {
    public var name: String
    public var bytes: Data
    public init(name: String, bytes: Data) {
        self.name = name
        self.bytes = bytes
    }
}

/// A photo that passed the checks, ready to be written with its case or step.
public struct CheckedAttachment: Sendable, Equatable {
    public var id: UUID
    public var kind: PhotoKind
    public var name: String
    public var sha256: String
    public var bytes: Data
}

/// A stored photo without its bytes, for lists and thumbnails.
public struct CaseAttachmentRow: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var caseID: UUID
    public var eventSeq: Int
    public var contentType: String
    public var byteSize: Int
    public var sha256: String
    public var originalName: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, sha256
        case caseID = "case_id", eventSeq = "event_seq", contentType = "content_type", byteSize = "byte_size"
        case originalName = "original_name", createdAt = "created_at"
    }

    static let columns = "a.id, a.case_id, a.event_seq, a.content_type, a.byte_size, a.sha256, a.original_name, a.created_at"
}

extension CaseRepository {
    /// The form field photos come in; every photo problem names it.
    public static let photosField = "photos"
    /// The most photo bytes one INSERT carries: PostgreSQL refuses messages over 1 GB, and a
    /// burst of reports written together must not build one statement of all their photos.
    static let attachmentBytesPerStatement = 16 * 1024 * 1024

    /// Checks uploads against `PhotoRules`: at most 4, each at most 5 MB and a JPEG, PNG or WebP
    /// by its first bytes. Any problem refuses the whole submission, naming the file.
    public static func checkPhotos(_ uploads: [AttachmentUpload]) throws -> [CheckedAttachment] {
        guard uploads.count <= PhotoRules.maxCount else {
            throw StoreError(.invalid, "case.photo.too_many", [String(PhotoRules.maxCount), String(uploads.count)], field: photosField)
        }
        return try uploads.map { upload in
            let name = PhotoRules.cleanName(upload.name)
            guard upload.bytes.count <= PhotoRules.maxBytes else {
                throw StoreError(.invalid, "case.photo.too_large", [name, String(PhotoRules.maxBytes / 1024 / 1024)], field: photosField)
            }
            // The kind comes from the bytes' own structure, never from the name or the declared type.
            guard let facts = PhotoKind.inspect(Array(upload.bytes)) else { throw StoreError(.invalid, "case.photo.not_image", [name], field: photosField) }
            guard PhotoRules.plausible(facts) else {
                throw StoreError(.invalid, "case.photo.too_many_pixels", [name, "\(facts.width)×\(facts.height)"], field: photosField)
            }
            let kind = facts.kind
            let hash = Hex.string(SHA256.hash(data: upload.bytes))
            return CheckedAttachment(id: UUID(), kind: kind, name: name, sha256: hash, bytes: upload.bytes)
        }
    }

    /// Writes photos inside the caller's transaction, several rows per statement.
    static func insertAttachments(_ items: [(photo: CheckedAttachment, caseID: UUID, seq: Int, at: Date)], on sql: any SQLDatabase) async throws {
        var start = 0
        while start < items.count {
            var end = start, bytes = 0
            while end < items.count && (end == start || bytes + items[end].photo.bytes.count <= attachmentBytesPerStatement) {
                bytes += items[end].photo.bytes.count
                end += 1
            }
            var insert = sql.insert(into: "case_attachments")
                .columns("id", "case_id", "event_seq", "content_type", "byte_size", "sha256", "original_name", "data", "created_at")
            for item in items[start..<end] {
                let p = item.photo
                insert = insert.values(
                    SQLBind(p.id), SQLBind(item.caseID), SQLBind(item.seq), SQLBind(p.kind.contentType), SQLBind(p.bytes.count),
                    SQLBind(p.sha256), SQLBind(p.name), SQLBind(p.bytes), SQLBind(item.at))
            }
            try await insert.run()
            start = end
        }
    }

    /// Photos sent with a step, written with the case's newest event inside the step's transaction.
    static func attachToLastEvent(_ photos: [CheckedAttachment], caseID: UUID, at: Date, on sql: any SQLDatabase) async throws {
        guard !photos.isEmpty else { return }
        let seq = try await sql.raw("SELECT MAX(seq) AS n FROM case_events WHERE case_id = \(bind: caseID)").first()?.decode(column: "n", as: Int.self) ?? 1
        try await insertAttachments(photos.map { ($0, caseID, seq, at) }, on: sql)
    }

    // MARK: Reading (always through the case's scope)

    /// The photos of a case in scope, without their bytes, in timeline order.
    public func attachments(of caseID: UUID, in scope: Scope) async throws -> [CaseAttachmentRow] {
        try await sql.raw(
            """
            SELECT \(unsafeRaw: CaseAttachmentRow.columns) FROM case_attachments a JOIN cases c ON c.id = a.case_id \
            WHERE a.case_id = \(bind: caseID) AND \(scope.caseCondition("c")) ORDER BY a.event_seq, a.created_at, a.id
            """
        ).all(decoding: CaseAttachmentRow.self)
    }

    /// One photo with its bytes, when its case is in scope; nil otherwise (out of scope looks missing).
    public func attachment(_ id: UUID, of caseID: UUID, in scope: Scope) async throws -> (row: CaseAttachmentRow, bytes: Data)? {
        guard
            let found = try await sql.raw(
                """
                SELECT \(unsafeRaw: CaseAttachmentRow.columns), a.data FROM case_attachments a JOIN cases c ON c.id = a.case_id \
                WHERE a.id = \(bind: id) AND a.case_id = \(bind: caseID) AND \(scope.caseCondition("c"))
                """
            ).first()
        else { return nil }
        return (try found.decode(model: CaseAttachmentRow.self), try found.decode(column: "data", as: Data.self))
    }

    /// How many photos each step of a case carries, by event seq (the public page says only that).
    public func attachmentCounts(of caseID: UUID, in scope: Scope) async throws -> [Int: Int] {
        Dictionary(grouping: try await attachments(of: caseID, in: scope), by: \.eventSeq).mapValues(\.count)
    }
}
