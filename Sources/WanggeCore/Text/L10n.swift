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
        let template = lang == .zh ? entry.zh : entry.en
        return args.isEmpty ? template : substitute(template, args)
    }

    /// `template` with each `{i}` replaced by `args[i]`, in one pass: an argument's own text is never
    /// read for placeholders, and a placeholder with no argument stays as it is. (A ranking fills some
    /// 6,000 strings; `replacing` once per argument went through the generic string algorithms.)
    static func substitute(_ template: String, _ args: [String]) -> String {
        let u = template.utf8
        var out = ""
        out.reserveCapacity(u.count + args.reduce(0) { $0 + $1.utf8.count })
        var plain = u.startIndex, i = u.startIndex
        while let open = u[i...].firstIndex(of: UInt8(ascii: "{")) {
            var j = u.index(after: open), n = 0, digits = 0
            while j < u.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[j]), digits < 3 {
                n = n * 10 + Int(u[j] - UInt8(ascii: "0"))
                digits += 1
                j = u.index(after: j)
            }
            guard digits > 0, j < u.endIndex, u[j] == UInt8(ascii: "}"), n < args.count else {
                i = u.index(after: open)
                continue
            }
            out += template[plain..<open]
            out += args[n]
            plain = u.index(after: j)
            i = plain
        }
        out += template[plain...]
        return out
    }

    /// Chinese, then English: "中文 / English" (`separator` between them), for answers read by people
    /// and programs alike (Open311 errors, command-line output).
    public static func both(_ key: String, _ args: [String] = [], separator: String = " / ") -> String {
        format(key, args, lang: .zh) + separator + format(key, args, lang: .en)
    }

    public static func has(_ key: String) -> Bool { table[key] != nil }
    public static var allKeys: [String] { Array(table.keys) }
}
