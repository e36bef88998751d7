import Foundation

/// Takes the personal data out of a closed case's text so it can be kept as a worked example
/// (服务案例) for training and shown to residents asking the same thing. What identifies someone
/// goes: ID numbers (GB 11643, 18 or the old 15 characters), mobile and fixed-line phone numbers,
/// door numbers and the street address they hang on, tracking codes, and names — those the case
/// itself knows (the reporter, the household) and those the text shows by their context
/// ("居民张秀英反映", "王建国老人"), kept as surname + 某 as Chinese case write-ups do.
///
/// It is a first pass, not a guarantee: the person saving the example reads and edits the result.
public enum Anonymiser {
    public static let idMark = "[身份证号]"
    public static let phoneMark = "[电话]"
    public static let addressMark = "[地址]"
    public static let codeMark = "[受理编号]"

    /// `text` without personal data. `names` are names known to belong to the case (reporter,
    /// residents, staff); `codes` are its own tracking and public codes.
    public static func anonymise(_ text: String, names: [String] = [], codes: [String] = []) -> String {
        var s = text
        for code in codes where code.count >= 4 {
            s = s.replacingOccurrences(of: code, with: codeMark)
            if code.count == TrackingCode.length { s = s.replacingOccurrences(of: TrackingCode.display(code), with: codeMark) }
        }
        s = replace(idNumber, in: s) { _ in idMark }
        s = replace(labelledNumber, in: s) { m in m[1] + m[2] + phoneMark }
        s = replace(mobile, in: s) { _ in phoneMark }
        s = replace(landline, in: s) { _ in phoneMark }
        s = replace(trackingCandidate, in: s) { m in
            TrackingCode.normalized(m[0]) == nil ? m[0] : codeMark
        }
        s = replace(address, in: s) { _ in addressMark }
        // Longest first, so "张秀英" goes before a "张秀" that may also be listed.
        for name in Set(names.map { $0.trimmingSpaces() }).filter(looksLikeName).sorted(by: { $0.count > $1.count }) {
            s = s.replacingOccurrences(of: name, with: masked(name))
        }
        s = replace(nameAfterContext, in: s) { m in stopWords.contains(m[2] + m[3]) ? m[0] : m[1] + masked(m[2] + m[3]) }
        s = replace(nameBeforeContext, in: s) { m in stopWords.contains(m[1] + m[2]) ? m[0] : masked(m[1] + m[2]) }
        return s
    }

    /// The kinds of personal data the patterns find for certain in `text` (ID numbers, phone
    /// numbers, tracking codes), by their marks; empty when none is left. Names and addresses are
    /// judged by the person saving, so they are not counted here.
    public static func leftovers(_ text: String) -> [String] {
        let withoutIDs = replace(idNumber, in: text) { _ in " " }
        var found: [String] = []
        if withoutIDs != text { found.append(idMark) }
        if replace(mobile, in: withoutIDs, with: { _ in " " }) != withoutIDs || replace(landline, in: withoutIDs, with: { _ in " " }) != withoutIDs {
            found.append(phoneMark)
        }
        if replace(trackingCandidate, in: text, with: { m in TrackingCode.normalized(m[0]) == nil ? m[0] : " " }) != text { found.append(codeMark) }
        return found
    }

    /// A personal name (a surname and one to three more characters), not a staff title like 代办员
    /// or 第一网格网格员 that the case's timeline also names.
    static func looksLikeName(_ s: String) -> Bool {
        fullName.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)) != nil
    }

    /// A name as case write-ups print it: the surname (one character, or a compound one) and 某.
    static func masked(_ name: String) -> String {
        let compound = compoundSurnames.first { name.hasPrefix($0) }
        return (compound ?? String(name.prefix(1))) + "某"
    }

    // MARK: Patterns

    static let singleSurnames =
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫严段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    static let compoundSurnames = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "宇文", "长孙", "夏侯", "端木", "司徒"]
    static var surname: String { "(?:" + compoundSurnames.joined(separator: "|") + "|[" + singleSurnames + "])" }

    /// Words after which a name follows: who the person is in the matter.
    static let before = "居民|老人|住户|户主|业主|租户|房东|联系人|报告人|反映人|申请人|当事人|委托人|患者|家属|儿子|女儿|老伴|丈夫|妻子|姓名|名叫|叫做|代办员|网格员"
    /// Words a name is followed by: how the text goes on about the person.
    static let after = "先生|女士|老人|老太|大爷|大妈|阿姨|叔叔|奶奶|爷爷|师傅|同志|老师|夫妇|一家|家中|家里|本人|反映|来电|投诉|称|说|表示|报告|申请|要求|咨询"
    /// Surname + character pairs that read as a name before those words but are ordinary words.
    static let stopWords: Set<String> = ["高龄", "独居", "空巢", "孤寡", "残疾", "困难", "低保", "方便", "周边", "多次", "居民", "本人", "一家", "家中", "安全", "安装", "全家", "车辆", "路面"]

    static let idNumber = regex("(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9A-Za-z])")
    /// A number the text labels as a phone, whatever its shape ("电话：8765 4321").
    static let labelledNumber = regex("(电话|手机|手机号|座机|联系方式|号码|微信)([:：是为]?\\s*)[0-9][0-9 \\-]{4,}[0-9]")
    static let mobile = regex("(?<![0-9])(?:\\+?86[ \\-]?)?1[3-9][0-9](?:[ \\-]?[0-9]{4}){2}(?![0-9])")
    static let landline = regex("(?<![0-9])(?:\\(?0[1-9][0-9]{1,2}\\)?[ \\-]?)[2-9][0-9]{6,7}(?![0-9])")
    static let trackingCandidate = regex("(?<![0-9A-Za-z])[2-9A-HJKMNP-Za-hjkmnp-z]{4}-?[2-9A-HJKMNP-Za-hjkmnp-z]{4}(?![0-9A-Za-z])")
    /// A street address and its door parts ("幸福路12号3单元502室", "阳光小区5栋2-301", "3号楼502").
    static let address: NSRegularExpression = {
        // A street or compound name; words like 住, 在 before it are the sentence, not the address.
        let place = "(?:(?![住在于到至从向的与及])\\p{Han}){1,8}?(?:路|街|巷|大道|胡同|弄|里|小区|花园|家园|公寓|苑|村)"
        // 楼 as a floor or building, not as the first character of 楼道, 楼梯, …
        let door = "[0-9０-９]+(?:-[0-9]+)*\\s*(?:号楼|号院|号|栋|幢|座|单元|层|楼(?![道梯上下顶前后])|室)"
        // Building-unit-room ("2-301", "3-2-501"), not a date ("2026-11-27").
        let dashed = "(?<![0-9\\-])[0-9]{1,3}-[0-9]{1,2}(?:-[0-9]{3,4})?(?:室)?(?![0-9\\-])|(?<![0-9\\-])[0-9]{1,3}-[0-9]{3,4}(?:室)?(?![0-9\\-])"
        return regex("(?:\(place))?(?:\(door)|\(dashed))(?:\\s*(?:\(door)|\(dashed)|[0-9]{3,4}(?![0-9])))*")
    }()
    static let nameAfterContext = regex("((?:\(before))[:：]?\\s*)(\(surname))(\\p{Han}{1,2}?)(?=\(after)|某|[^\\p{Han}]|$|的|和|与|在|家)")
    static let fullName = regex("^\(surname)\\p{Han}{1,3}$")
    static let nameBeforeContext = regex("(\(surname))(\\p{Han}{1,2}?)(?=\(after))")

    static func regex(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants of this file; one that does not compile is a programming error.
        try! NSRegularExpression(pattern: pattern)
    }

    /// `text` with each match of `pattern` replaced by what `with` makes of its groups (0 = whole match).
    static func replace(_ pattern: NSRegularExpression, in text: String, with: ([String]) -> String) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let groups = (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? "" : ns.substring(with: r)
            }
            out += with(groups)
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }
}
