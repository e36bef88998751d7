import Foundation
import Testing
@testable import WanggeCore

@Suite struct CaseDuplicateTests {
    static let now = caseTime("2025-03-03 15:00")
    static let gate = GeoPoint(lon: 116.4000, lat: 39.9000)

    /// `north` metres north of the estate gate.
    static func near(_ north: Double) -> GeoPoint { GeoPoint(lon: gate.lon, lat: gate.lat + north / 111_195) }

    static func summary(_ id: String, _ category: String, _ north: Double?, hoursAgo: Double, _ text: String) -> CaseSummary {
        CaseSummary(id: id, categoryKey: category, location: north.map(near), reportedAt: now - hoursAgo * 3600, text: text)
    }

    static let draft = CaseDraft(
        categoryKey: "city_appearance.exposed_garbage", location: gate,
        text: "小区门口有大量垃圾堆积，无人清理，气味很大")

    @Test func textSimilarity() {
        #expect(DuplicateFinder.textSimilarity("小区门口垃圾堆积", "小区门口垃圾堆积") == 1)
        #expect(DuplicateFinder.textSimilarity("小区门口垃圾堆积。", " 小区门口，垃圾堆积") == 1)
        #expect(DuplicateFinder.textSimilarity("路灯不亮", "井盖丢失") == 0)
        #expect(DuplicateFinder.textSimilarity("", "") == 0)
        #expect(DuplicateFinder.textSimilarity("ABC", "abc") == 1)
        let s = DuplicateFinder.textSimilarity("小区门口有大量垃圾堆积", "小区门口垃圾堆积很多")
        #expect(s > 0.4 && s < 0.6, "\(s)")
    }

    @Test func nearSameCategorySimilarTextRanksFirst() {
        let cases = [
            Self.summary("far", "city_appearance.exposed_garbage", 450, hoursAgo: 72, "人行道上有建筑垃圾"),
            Self.summary("other", "street_order.roadside_stall", 20, hoursAgo: 1, "门口有人摆摊卖水果"),
            Self.summary("same", "city_appearance.exposed_garbage", 30, hoursAgo: 1, "小区门口垃圾堆积很多，没人清理"),
            Self.summary("sibling", "city_appearance.accumulated_waste", 40, hoursAgo: 5, "小区门口垃圾渣土堆积"),
            Self.summary("misfiled", "street_order.piled_goods", 10, hoursAgo: 0.5, "小区门口有大量垃圾堆积，无人清理"),
            Self.summary("too_far", "city_appearance.exposed_garbage", 2_000, hoursAgo: 1, "小区门口有大量垃圾堆积"),
            Self.summary("too_old", "city_appearance.exposed_garbage", 10, hoursAgo: 8 * 24, "小区门口有大量垃圾堆积"),
        ]
        let found = DuplicateFinder.candidates(for: Self.draft, among: cases, now: Self.now)
        let ids = found.map(\.id)
        #expect(ids.first == "same", "\(found)")
        #expect(ids == ["same", "sibling", "misfiled"], "\(found)")
        #expect(found[0].score >= DuplicateFinder.likelyThreshold)
        #expect(found.allSatisfy { $0.score >= DuplicateFinder.suggestThreshold })
        #expect(abs(found[0].distance! - 30) < 0.5)
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test func withoutLocationsTextAndCategoryDecide() {
        let draft = CaseDraft(categoryKey: "extended.noise", location: nil, text: "楼下饭店夜间噪音扰民")
        let cases = [
            Self.summary("b", "extended.noise", nil, hoursAgo: 3, "楼下饭店夜间噪音扰民"),
            Self.summary("a", "extended.noise", 100, hoursAgo: 3, "楼下饭店夜间噪音扰民"),
            Self.summary("c", "extended.noise", nil, hoursAgo: 3, "广场舞音响太吵"),
        ]
        let found = DuplicateFinder.candidates(for: draft, among: cases, now: Self.now)
        #expect(found.map(\.id) == ["a", "b"], "equal scores are ordered by id: \(found)")
        #expect(found[0].score == found[1].score && found[0].distance == nil)
    }

    @Test func aDifferentTreeCanBePassedIn() {
        let draft = CaseDraft(categoryKey: "x.one", location: Self.gate, text: "井盖丢失")
        let cases = [Self.summary("s", "x.two", 5, hoursAgo: 0, "井盖丢失了")]
        let flat = DuplicateFinder.candidates(for: draft, among: cases, now: Self.now)
        let tree = DuplicateFinder.candidates(for: draft, among: cases, now: Self.now) { $0.hasPrefix("x.") ? "x" : nil }
        #expect(tree[0].score - flat[0].score > 0.17)
    }
}
