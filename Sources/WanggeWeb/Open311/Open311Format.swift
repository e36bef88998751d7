import Foundation
import Vapor

/// Open311 picks the format by extension: `/services.json`, `/requests/ABCD2345.xml`.
enum Open311Format: String, Sendable, CaseIterable {
    case json, xml

    var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .xml: "text/xml; charset=utf-8"
        }
    }

    /// A path segment split into its name and format. A segment without a known extension keeps
    /// its whole text as the name (service codes contain dots) and answers in JSON.
    static func split(_ segment: String) -> (name: String, format: Open311Format, hadExtension: Bool) {
        for format in allCases where segment.lowercased().hasSuffix("." + format.rawValue) {
            return (String(segment.dropLast(format.rawValue.count + 1)), format, true)
        }
        return (segment, .json, false)
    }

    /// The format an answer (or an error) to this request is written in.
    static func of(_ req: Request) -> Open311Format {
        split(req.url.path.split(separator: "/").last.map(String.init) ?? "").format
    }
}

/// W3C date-times (the ISO 8601 profile Open311 requires), written in China Standard Time.
enum W3CDateTime {
    /// Asia/Shanghai has kept +08:00 all year since 1991, so the offset is a constant.
    static let offsetSeconds = 8 * 3600

    static func format(_ date: Date) -> String {
        let t = Int((date.timeIntervalSince1970).rounded(.down)) + offsetSeconds
        let days = Int((Double(t) / 86400).rounded(.down))
        let secs = t - days * 86400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    /// Reads `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]]` with `Z` or `±hh:mm` (a time without a zone
    /// is China time). A `+` sent unencoded arrives as a space and is read as `+`. A bare day as
    /// `end` means the end of that day. Nil when it is not a real date-time.
    static func parse(_ raw: String, end: Bool = false) -> Date? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?([Zz]|[+\- ]\d{2}:?\d{2})?)?$/#
        guard let m = s.wholeMatch(of: pattern),
            let y = Int(m.1), let mo = Int(m.2), let d = Int(m.3), (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        let days = daysFromCivil(y, mo, d)
        guard civil(fromDays: days) == (y, mo, d) else { return nil }  // 2026-02-30
        guard let hh = m.4 else {
            let startOfDay = days * 86400 - offsetSeconds
            return Date(timeIntervalSince1970: TimeInterval(end ? startOfDay + 86400 - 1 : startOfDay))
        }
        guard let h = Int(hh), let mi = m.5.flatMap({ Int($0) }), (0...23).contains(h), (0...59).contains(mi) else { return nil }
        let sec = m.6.flatMap { Int($0) } ?? 0
        guard (0...60).contains(sec) else { return nil }
        let fraction = m.7.flatMap { Double("0." + $0) } ?? 0
        var offset = offsetSeconds
        if let zone = m.8 {
            if zone == "Z" || zone == "z" {
                offset = 0
            } else {
                let digits = zone.dropFirst().filter(\.isNumber)
                guard digits.count == 4, let zh = Int(digits.prefix(2)), let zm = Int(digits.suffix(2)), zh <= 14, zm <= 59 else { return nil }
                offset = (zh * 3600 + zm * 60) * (zone.first == "-" ? -1 : 1)
            }
        }
        let local = days * 86400 + h * 3600 + mi * 60 + min(sec, 59)
        return Date(timeIntervalSince1970: TimeInterval(local - offset) + fraction)
    }

    // Howard Hinnant's civil-calendar algorithms: proleptic Gregorian, no Calendar or time zone needed.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
