import FluentKit
import Foundation
import SQLKit
import WanggeCore

/// Photos uploaded ahead of the write that names them, chunk by chunk: each chunk is stored under
/// its offset (sent again, it is the same row), and the next one must start where the stored ones
/// end, so a phone that lost its connection asks how far it got and goes on from there.
extension SyncRepository {
    /// A photo is shrunk to this on the phone before it is sent.
    public static let maxPhotoBytes = 300 * 1024
    public static let maxChunkBytes = 64 * 1024

    public struct UploadState: Codable, Sendable, Equatable {
        public var received: Int
        public var total: Int
        public var complete: Bool
    }

    struct ChunkInfo: Decodable {
        var offset: Int
        var total: Int
        var size: Int
    }

    func chunks(_ id: UUID, device: UUID) async throws -> [ChunkInfo] {
        try await sql.raw(
            """
            SELECT "offset", total, LENGTH(data) AS size FROM sync_upload_chunks \
            WHERE upload_id = \(bind: id) AND device_id = \(bind: device) ORDER BY "offset"
            """
        ).all(decoding: ChunkInfo.self)
    }

    /// How much of the photo has arrived (0 of 0 for one never started).
    public func upload(_ id: UUID, device: UUID) async throws -> UploadState {
        let found = try await chunks(id, device: device)
        let received = found.reduce(0) { $0 + $1.size }
        let total = found.first?.total ?? 0
        return UploadState(received: received, total: total, complete: total > 0 && received == total)
    }

    /// Stores one chunk. A chunk that does not start where the stored ones end is not stored; the
    /// answer says where to go on from.
    public func appendChunk(_ id: UUID, device: UUID, offset: Int, total: Int, bytes: Data, now: Date) async throws -> UploadState {
        guard total > 0, total <= Self.maxPhotoBytes else { throw StoreError(.invalid, "sync.photo_too_big", [String(Self.maxPhotoBytes / 1024)], field: "total") }
        guard !bytes.isEmpty, bytes.count <= Self.maxChunkBytes, offset >= 0, offset + bytes.count <= total else {
            throw StoreError(.invalid, "sync.bad_chunk", field: "offset")
        }
        let state = try await upload(id, device: device)
        if state.total != 0, state.total != total { throw StoreError(.invalid, "sync.bad_chunk", field: "total") }
        guard offset == state.received else { return state }
        try await sql.raw(
            """
            INSERT INTO sync_upload_chunks (upload_id, device_id, "offset", total, data, created_at) VALUES \
            (\(bind: id), \(bind: device), \(bind: offset), \(bind: total), \(bind: bytes), \(bind: now))
            """
        ).run()
        return try await upload(id, device: device)
    }

    /// The whole photo, once every byte has arrived; nil before.
    public func uploadedPhoto(_ id: UUID, device: UUID) async throws -> Data? {
        guard try await upload(id, device: device).complete else { return nil }
        let rows = try await sql.raw(
            "SELECT data FROM sync_upload_chunks WHERE upload_id = \(bind: id) AND device_id = \(bind: device) ORDER BY \"offset\""
        ).all()
        var data = Data()
        for r in rows { data.append(try r.decode(column: "data", as: Data.self)) }
        return data
    }
}
