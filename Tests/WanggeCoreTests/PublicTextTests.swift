import Testing
@testable import WanggeCore

/// The one scrubber of every public surface, against the forms people really type numbers in.
@Suite("Public text scrubber")
struct PublicTextTests {
    /// (typed, what the public sees)
    static let corpus: [(String, String)] = [
        ("电话13912345678", "电话***********"),
        ("call 138 1234 5678 now", "call *** **** **** now"),
        ("138-1234-5678", "***-****-****"),
        ("138.1234.5678", "***.****.****"),
        ("138/1234/5678", "***/****/****"),
        ("138_1234_5678", "***_****_****"),
        ("138 - 1234 - 5678", "*** - **** - ****"),
        ("１３８１２３４５６７８", "***********"),
        ("一三八一二三四五六七八", "***********"),
        ("幺三八 幺二三四 五六七八", "*** **** ****"),
        ("壹叁捌壹贰叁肆伍陆柒捌", "***********"),
        ("身份证11010519491231002X", "身份证******************"),
        ("身份证110105194912310021", "身份证******************"),
        ("110105.19491231.0021", "******.********.****"),
        ("110105 1949 1231 002x", "****** **** **** ****"),
        ("固话 010-6512 3456", "固话 ***-**** ****"),
        ("固话(010)65123456", "固话(010)********"),
        ("3号楼2单元501，共12户", "3号楼2单元501，共12户"),
        ("2026-11-30 发现", "2026-11-30 发现"),
        ("2026.11.30、2026/1/5", "2026.11.30、2026/1/5"),
        ("三三两两地站着", "三三两两地站着"),
        ("共123456个", "共123456个"),
        ("订单1234567", "订单*******"),
        ("", ""),
    ]

    @Test("numbers of seven digits or more are starred in every written form; dates and short numbers stay")
    func corpus() {
        for (typed, shown) in Self.corpus {
            #expect(PublicText.scrub(typed) == shown, "\(typed)")
        }
    }

    @Test("no run of seven digits survives, whatever separates them")
    func noSevenDigitsSurvive() {
        let separators = [" ", "-", ".", "/", "_", "·", "－", "　"]
        for sep in separators {
            let typed = "联系\(["139", "1234", "5678"].joined(separator: sep))谢谢"
            let shown = PublicText.scrub(typed)
            #expect(shown.filter(\.isNumber).isEmpty, "\(typed) → \(shown)")
        }
    }

    @Test("an address keeps its street part only")
    func address() {
        #expect(PublicText.address("建国路88号3栋2单元501") == "建国路88号*栋*单元***")
        #expect(PublicText.address("幸福路12号 联系13912345678") == "幸福路12号 联系***********")
    }
}
