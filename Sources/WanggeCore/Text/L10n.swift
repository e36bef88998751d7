/// The one localisation table. Every string a user sees goes through `L10n.t`.
/// Simplified Chinese is the first language; English follows key by key.
/// Keys are grouped by area in `L10n+*.swift` files, all merged here.
public enum L10n {
    public enum Language: String, Sendable, CaseIterable { case zh = "zh-Hans", en }

    /// Every part of the table: `[key: (zh, en)]`.
    static let table: [String: (zh: String, en: String)] = {
        var all: [String: (zh: String, en: String)] = [:]
        for part in parts {
            all.merge(part) { first, _ in first }
        }
        return all
    }()

    static var parts: [[String: (zh: String, en: String)]] {
        [
            coreStrings, roleStrings, webStrings, auditStrings, rightsStrings, caseStrings, caseWebStrings, sweepStrings, benchStrings, caseSetupStrings, caseMergeStrings, open311Strings, notificationStrings, serviceStrings, logStrings,
            departmentMeasureStrings, dayStrings, opsStrings,
            patrolStrings, visitStrings, measureStrings, dashboardStrings, rankingStrings, reportStrings, opennessStrings, syncStrings, stationStrings, partyStrings, participationStrings, councilStrings, marketStrings, volunteerStrings, reachStrings,
        ]
    }

    /// The string for `key` with `{0}`, `{1}`… replaced by `args`. An unknown key shows itself, so it is noticed.
    public static func t(_ key: String, _ args: Any..., lang: Language = .zh) -> String {
        format(key, args.map { "\($0)" }, lang: lang)
    }

    public static func format(_ key: String, _ args: [String], lang: Language = .zh) -> String {
        guard let entry = table[key] else { return key }
        var s = lang == .zh ? entry.zh : entry.en
        for (i, a) in args.enumerated() {
            s = s.replacing("{\(i)}", with: a)
        }
        return s
    }

    /// Chinese, then English: "中文 / English" (`separator` between them), for answers read by people
    /// and programs alike (Open311 errors, command-line output).
    public static func both(_ key: String, _ args: [String] = [], separator: String = " / ") -> String {
        format(key, args, lang: .zh) + separator + format(key, args, lang: .en)
    }

    public static func has(_ key: String) -> Bool { table[key] != nil }
    public static var allKeys: [String] { Array(table.keys) }
}
