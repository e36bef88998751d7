import Testing
@testable import WanggeCore

@Suite struct CaseTrackingCodeTests {
    @Test func generatedCodesAreValidAndUnambiguous() {
        var g = SeededRandom(state: 7)
        var codes: Set<String> = []
        for _ in 0..<2000 {
            let code = TrackingCode.make(using: &g)
            #expect(code.count == 8 && TrackingCode.isValid(code), "\(code)")
            #expect(!code.contains { "0O1IL".contains($0) }, "\(code)")
            codes.insert(code)
        }
        #expect(codes.count == 2000)
        #expect(TrackingCode.alphabet.count == 31 && Set(TrackingCode.alphabet).count == 31)
        var again = SeededRandom(state: 7)
        var first = SeededRandom(state: 7)
        #expect(TrackingCode.make(using: &again) == TrackingCode.make(using: &first))
        #expect(TrackingCode.isValid(TrackingCode.make()))
    }

    @Test func everyTypoAndNeighbourSwapIsCaught() {
        var g = SeededRandom(state: 11)
        for _ in 0..<50 {
            let code = Array(TrackingCode.make(using: &g))
            for i in code.indices {
                for c in TrackingCode.alphabet where c != code[i] {
                    var typo = code
                    typo[i] = c
                    #expect(!TrackingCode.isValid(String(typo)))
                }
                if i + 1 < code.count, code[i] != code[i + 1] {
                    var swapped = code
                    swapped.swapAt(i, i + 1)
                    #expect(!TrackingCode.isValid(String(swapped)))
                }
            }
        }
    }

    @Test func typedInput() {
        var g = SeededRandom(state: 3)
        let code = TrackingCode.make(using: &g)
        let shown = TrackingCode.display(code)
        #expect(shown.count == 9 && shown.contains("-"))
        #expect(TrackingCode.normalized(shown.lowercased()) == code)
        #expect(TrackingCode.normalized(" " + shown + " ") == code)
        #expect(!TrackingCode.isValid(code.lowercased()))
        #expect(!TrackingCode.isValid(shown))
        #expect(!TrackingCode.isValid(String(code.dropLast())))
        #expect(!TrackingCode.isValid(code + "2"))
        #expect(!TrackingCode.isValid(""))
        #expect(!TrackingCode.isValid("2222222O"))
        // Worked by hand: A…G are 8…14, Σ (i+1)·v = 336 ≡ 26, and 8·20 = 160 ≡ 5 makes 31 | 496; 20 is P.
        #expect(TrackingCode.isValid("ABCDEFGP") && !TrackingCode.isValid("ABCDEFGQ"))
        #expect(TrackingCode.isValid("22222222"))
    }
}
