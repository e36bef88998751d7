import Foundation
import Logging
import Vapor

/// Structured logs (`WANGGE_LOG_FORMAT=json`): one JSON object per line on standard error — time
/// (ISO 8601, UTC), level, label, message and the metadata, which for a request includes Vapor's
/// `request-id` (also sent back as the `X-Request-Id` header), so a log shipper can follow one request.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// A metadata value as JSON: strings, lists and dictionaries keep their shape.
    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): a.map(json)
        case .dictionary(let d): d.mapValues(json)
        }
    }

    /// The line for one event (without its newline).
    static func line(
        at time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String
    ) -> String {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter.string(from: time, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime, .withFractionalSeconds]),
            "level": level.rawValue, "label": label, "message": message, "source": source,
        ]
        if !metadata.isEmpty { object["metadata"] = metadata.mapValues(json) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let text = Self.line(at: Date(), level: event.level, label: label, message: "\(event.message)", metadata: all, source: event.source)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Sends the request's id back as `X-Request-Id`, the same id the request's log lines carry.
struct RequestIDHeader: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { response in
            response.headers.replaceOrAdd(name: "X-Request-Id", value: req.id)
            return response
        }
    }
}
