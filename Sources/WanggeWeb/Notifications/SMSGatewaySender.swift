import Foundation
import NIOCore
import Vapor

/// An HTTP SMS gateway: `WANGGE_SMS_URL` is POSTed a body made from `WANGGE_SMS_TEMPLATE`, whose
/// placeholders `{phone}`, `{text}`, `{code}` and `{id}` are filled in escaped for
/// `WANGGE_SMS_CONTENT_TYPE` (JSON string content for `application/json`, percent-encoding for a form).
/// Any 2xx answer means delivered.
struct SMSGatewaySettings: Sendable, Equatable {
    var url: String
    var template: String
    var contentType: String
    var timeout: TimeInterval = 10

    static let defaultTemplate = #"{"phone":"{phone}","text":"{text}"}"#
    static let defaultContentType = "application/json"

    /// The request body for one message.
    func body(phone: String, text: String, code: String, id: String) -> String {
        let values = ["phone": phone, "text": text, "code": code, "id": id]
        var out = template
        for (key, value) in values {
            out = out.replacingOccurrences(of: "{\(key)}", with: escape(value))
        }
        return out
    }

    func escape(_ value: String) -> String {
        let type = contentType.lowercased()
        if type.contains("json") {
            let encoded = (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            return String(encoded.dropFirst().dropLast())
        }
        if type.contains("x-www-form-urlencoded") {
            var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
            allowed.insert(charactersIn: "-._~")
            return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
        }
        return value
    }
}

struct SMSGatewaySender: NoticeSender {
    let settings: SMSGatewaySettings
    let client: any Client

    func send(_ message: OutgoingNotice) async throws {
        let body = settings.body(phone: message.address, text: message.text, code: message.trackingCode, id: message.id.uuidString)
        var request = ClientRequest(method: .POST, url: URI(string: settings.url), headers: ["Content-Type": settings.contentType])
        request.body = ByteBuffer(string: body)
        request.timeout = .seconds(Int64(settings.timeout))
        let response: ClientResponse
        do { response = try await client.send(request) } catch { throw NoticeFailure(description: "\(error)", unreachable: true) }
        guard (200...299).contains(response.status.code) else {
            let said = response.body.map { String(buffer: $0) }.map { String($0.prefix(200)) } ?? ""
            throw NoticeFailure(description: "HTTP \(response.status.code) \(said)".trimmingCharacters(in: .whitespaces))
        }
    }
}
