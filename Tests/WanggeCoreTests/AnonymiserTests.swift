import Testing
import WanggeCore

@Suite("Worked examples: the anonymiser")
struct AnonymiserTests {
    @Test(
        "personal data embedded in free text is replaced, the rest kept",
        arguments: [
            // 18-character ID numbers (with an X check character) and the old 15-digit ones.
            ("申请人身份证号11010519491231002X，材料齐全", "申请人身份证号[身份证号]，材料齐全"),
            ("旧证号码110105491231002已作废", "旧证号码[身份证号]已作废"),
            // Mobile phones, bare, spaced, with +86, and a labelled fixed line.
            ("请回电13800138000谢谢", "请回电[电话]谢谢"),
            ("手机 138 0013 8000 白天打", "手机 [电话] 白天打"),
            ("+86 13912345678", "[电话]"),
            ("座机：010-87654321", "座机：[电话]"),
            ("电话8765 4321", "电话[电话]"),
            // Door numbers and the street they hang on.
            ("幸福路12号3单元502室漏水", "[地址]漏水"),
            ("阳光小区5栋2-301住户反映噪音", "[地址]住户反映噪音"),
            ("3号楼502楼道灯坏了", "[地址]楼道灯坏了"),
            ("3-2-501的下水道堵了", "[地址]的下水道堵了"),
            // A date is not a door number; a year and a count stay.
            ("2026-11-27办结，用时3天", "2026-11-27办结，用时3天"),
            // A tracking code with its check character (with and without the hyphen); a look-alike without it stays.
            ("受理编号KX7M2QP3已办结", "受理编号[受理编号]已办结"),
            ("编号 KX7M-2QP3", "编号 [受理编号]"),
            ("编号KX7M2QP4", "编号KX7M2QP4"),
            // Names shown by their context, kept as surname + 某.
            ("居民张秀英反映楼道堆物", "居民张某反映楼道堆物"),
            ("王建国老人独居，需要助餐", "王某老人独居，需要助餐"),
            ("联系人：欧阳明华，已通知", "联系人：欧阳某，已通知"),
            ("申请人李四的材料已交街道", "申请人李某的材料已交街道"),
            // Ordinary words that look like a name before those words stay.
            ("高龄老人补贴已发放", "高龄老人补贴已发放"),
            ("独居老人需要关注", "独居老人需要关注"),
        ])
    func fixtures(input: String, expected: String) {
        #expect(Anonymiser.anonymise(input) == expected)
    }

    @Test("names the case knows (reporter, household) go wherever they stand; its own codes go too")
    func knownNames() {
        let text = "赵丽华来电称，其母赵丽华、父亲钱德胜年老，代办员帮钱德胜办了退休资格认证。案件2345ABCD已回访"
        let out = Anonymiser.anonymise(text, names: ["赵丽华", "钱德胜", "赵"], codes: ["2345ABCD"])
        #expect(out == "赵某来电称，其母赵某、父亲钱某年老，代办员帮钱某办了退休资格认证。案件[受理编号]已回访")
    }

    @Test("one text with everything in it comes out with none of it")
    func everything() {
        let text = "居民刘建军（身份证110105194912310021，电话13912345678）住和平街8号2单元301室，反映门前路灯不亮。受理编号KX7M2QP3。"
        let out = Anonymiser.anonymise(text)
        #expect(out == "居民刘某（身份证[身份证号]，电话[电话]）住[地址]，反映门前路灯不亮。受理编号[受理编号]。")
        #expect(Anonymiser.leftovers(out).isEmpty)
    }

    @Test("leftovers names what is certainly personal and ignores the marks themselves")
    func leftovers() {
        #expect(Anonymiser.leftovers("电话13800138000，证件11010519491231002X，编号KX7M2QP3") == ["[身份证号]", "[电话]", "[受理编号]"])
        #expect(Anonymiser.leftovers("电话[电话]，证件[身份证号]，编号[受理编号]，2026-11-27办结").isEmpty)
    }
}
