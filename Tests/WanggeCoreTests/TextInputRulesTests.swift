import Testing
@testable import WanggeCore

@Suite("Text input rules")
struct TextInputRulesTests {
    @Test("control characters and bidirectional overrides are refused; tabs and line breaks are text")
    func controls() {
        for bad in ["张\u{0}三", "a\u{1B}b", "x\u{7F}", "\u{85}", "\u{202E}abc", "\u{2066}x"] {
            #expect(TextInputRules.problem(bad, field: "name") == .controlCharacter, "\(bad.unicodeScalars.map(\.value))")
        }
        for good in ["张三", "第一行\n第二行\r\n", "a\tb", "👨‍👩‍👧", "𠀀𠀁", ""] {
            #expect(TextInputRules.problem(good, field: "description") == nil)
        }
    }

    @Test("every field has a length limit: its own, or the default")
    func lengths() {
        #expect(TextInputRules.problem(String(repeating: "A", count: 41), field: "document_number") == .tooLong(40))
        #expect(TextInputRules.problem(String(repeating: "字", count: 40), field: "document_number") == nil)
        #expect(TextInputRules.problem(String(repeating: "A", count: TextInputRules.defaultMaximum + 1), field: "whatever") == .tooLong(TextInputRules.defaultMaximum))
        #expect(TextInputRules.problem(String(repeating: "字", count: 4000), field: "description") == nil)
    }
}
