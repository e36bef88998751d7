import Foundation

/// A plain-text e-mail as it goes over SMTP's DATA: headers with the UTF-8 subject encoded per
/// RFC 2047, the body in base64 (RFC 2045) so Chinese text survives any relay, lines ended by CRLF.
struct MailMessage: Sendable, Equatable {
    var from: String
    var to: String
    var subject: String
    var body: String
    var date: Date
    var messageID: String

    /// The subject as RFC 2047 encoded words (`=?UTF-8?B?…?=`), each at most 75 characters, folded
    /// onto continuation lines; a subject of plain printable ASCII is left as it is.
    static func encodedHeader(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) && !text.contains("=?") { return text }
        var words: [String] = []
        var chunk = Data()
        for ch in text {
            let bytes = Data(String(ch).utf8)
            // 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" a word stays under 75.
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date, e.g. "Mon, 30 Nov 2026 15:20:00 +0800" (China time, as the reporter reads it).
    static func rfc5322(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }

    /// The message: headers, an empty line, the base64 body in lines of 76.
    var rendered: String {
        let flat = Array(Data(body.utf8).base64EncodedString())
        let encoded = stride(from: 0, to: flat.count, by: 76).map { String(flat[$0..<min($0 + 76, flat.count)]) }.joined(separator: "\r\n")
        let headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedHeader(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }

    /// DATA's payload: every line that starts with "." gets another (RFC 5321 §4.5.2), bare LFs become
    /// CRLF, and the terminating "." line follows.
    static func dotStuffed(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalized.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }
}

/// One SMTP reply: the code and its text lines (a multi-line reply has "250-" before its last "250 ").
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var text: String { lines.joined(separator: " ") }

    /// Adds a line read from the server; true when the reply is complete.
    static func parse(_ line: String) -> (code: Int, text: String, last: Bool)? {
        let chars = Array(line)
        guard chars.count >= 3, let code = Int(String(chars[0..<3])), (200...599).contains(code) else { return nil }
        let last = chars.count == 3 || chars[3] == " "
        guard last || chars[3] == "-" else { return nil }
        return (code, chars.count > 4 ? String(chars[4...]) : "", last)
    }
}
