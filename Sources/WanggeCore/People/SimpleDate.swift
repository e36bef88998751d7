import Foundation

/// A calendar date without time or zone (birth dates, visit days).
public struct SimpleDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= SimpleDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso: String) {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today in China Standard Time, the zone every office using Wangge works in.
    public static var today: SimpleDate { SimpleDate(Date()) }

    public init(_ date: Date) {
        let c = ChinaTime.calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Whole years from this date to `on`.
    public func age(on: SimpleDate) -> Int {
        var years = on.year - year
        if (on.month, on.day) < (month, day) { years -= 1 }
        return years
    }

    public static func < (a: SimpleDate, b: SimpleDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// `YYYYMMDD`, as inside an ID number.
    public var compact: String { String(format: "%04d%02d%02d", year, month, day) }
    public var description: String {
        String.zeroPadded(year, width: 4) + "-" + String.zeroPadded(month, width: 2) + "-" + String.zeroPadded(day, width: 2)
    }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = SimpleDate(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
