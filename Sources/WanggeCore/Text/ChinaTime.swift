import Foundation

/// Times as people in China read them: "2026-11-27 14:05" in China Standard Time, whatever the server's zone.
public enum ChinaTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai")!
    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }()

    public static func format(_ date: Date, seconds: Bool = true) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let minutes = String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
        return seconds ? minutes + String(format: ":%02d", c.second ?? 0) : minutes
    }

    /// "2026-11-27 14:05".
    public static func formatMinutes(_ date: Date) -> String { format(date, seconds: false) }
}
