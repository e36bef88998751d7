import Testing
@testable import WanggeCore

/// Every problem the core can report reads as a sentence in both languages, with every
/// placeholder filled.
@Suite struct CoreMessagesTests {
    static let problems: [any LocalizedProblem] = [
        UnitCodeProblem.empty, UnitCodeProblem.notDigits("x"), UnitCodeProblem.wrongLength(level: .grid, expected: 15, actual: 3),
        UnitCodeProblem.badProvince("990101"), UnitCodeProblem.notCounty("110100"),
        UnitCodeProblem.outOfRange(level: .street, segment: "400", lowest: 1, highest: 399),
        UnitCodeProblem.notUnderParent(code: "a", parentCode: "b"), UnitCodeProblem.districtHasParent,
        UnitCodeProblem.notUnderGrid("x"), UnitCodeProblem.wrongSuffixCount(level: .zone, count: 2), UnitCodeProblem.badSuffix("1"),
        TreeProblem.wrongLevel(child: .grid, parent: .street), TreeProblem.wrongLevel(child: .grid, parent: nil),
        TreeProblem.moveUnderItself, TreeProblem.cycle, TreeProblem.mergeLevelMismatch(source: .grid, target: .zone),
        TreeProblem.mergeAcrossParents,
        GeoJSONProblem.notJSON(line: 1), GeoJSONProblem.notAnObject(feature: 1), GeoJSONProblem.missingMember(feature: 0, name: "features"),
        GeoJSONProblem.missingMember(feature: 2, name: "coordinates"), GeoJSONProblem.unknownType(feature: 1, type: ""),
        GeoJSONProblem.emptyCollection, GeoJSONProblem.badCoordinates(feature: 1),
        GeoJSONProblem.coordinateOutOfRange(feature: 1, lon: "200", lat: "0"),
        GeoJSONProblem.ringNotClosed(feature: 1, polygon: 1, ring: 1), GeoJSONProblem.ringTooShort(feature: 1, polygon: 1, ring: 1, positions: 3),
        CSVProblem.unterminatedQuote(line: 1, field: 1), CSVProblem.strayQuote(line: 1, field: 1),
        TextDecodingProblem.undecodable(offset: 0, line: 1, byte: nil), TextDecodingProblem.workbookNotCSV,
        PhoneProblem.empty, PhoneProblem.invalidCharacter("a"), PhoneProblem.wrongMobileLength(3), PhoneProblem.notMobilePrefix("123"),
        PhoneProblem.badAreaCode("01"), PhoneProblem.wrongLandlineLength(3), PhoneProblem.badSubscriberNumber("0"),
        PhoneProblem.missingAreaCode, PhoneProblem.unknownFormat,
    ]

    @Test(arguments: L10n.Language.allCases)
    func everyProblemHasAFilledMessage(lang: L10n.Language) {
        for p in Self.problems {
            #expect(L10n.has(p.messageKey), "\(p.messageKey)")
            let m = p.message(lang)
            #expect(!m.contains("{") && !m.contains("@level."), "\(p.messageKey): \(m)")
        }
    }

    @Test func termsAreTranslatedNotFrozen() {
        let p = TreeProblem.wrongLevel(child: .grid, parent: .street)
        #expect(p.message(.zh) == "网格不能放在街道/乡镇之下")
        #expect(p.message(.en) == "A Grid cannot be placed under a Street/town")
        #expect(PhoneProblem.invalidCharacter("@").message() == "电话号码中有无效字符“@”")
        #expect(UnitCodeProblem.notDigits("@x").message() == "编码“@x”只能由数字组成")
    }

    @Test func namedTermsExist() {
        for k in UnitCode.StreetKind.allCases { #expect(L10n.has(k.nameKey)) }
        for e in SourceEncoding.allCases { #expect(L10n.has(e.nameKey)) }
    }
}
