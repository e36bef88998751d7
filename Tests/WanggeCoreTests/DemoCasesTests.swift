import Foundation
import Testing
@testable import WanggeCore

/// A short history of the 12-grid demo district: 60 days up to an afternoon.
enum DemoCaseFixture {
    /// 2026-03-01 15:00 China time.
    static let now = Date(timeIntervalSince1970: 1_772_348_400)
    static let onSpot: Set<String> = ["city_appearance.exposed_garbage", "advertising.illegal_flyer", "street_order.piled_goods"]
    static let settings = DemoCaseSettings(now: now, days: 60, categories: DemoCaseSettings.seededCategories(onSpot: onSpot))
    static let departments = Dictionary(uniqueKeysWithValues: CaseCategory.seed.map { ($0.key, $0.department) })
    static let plan = DemoCaseFixture.planOf(DemoFixture.small)
    static let cases = make()

    static func planOf(_ config: DemoConfig) -> DemoPlan { DemoDistrict.plan(config) }

    static func make(settings: DemoCaseSettings = settings) -> [DemoCase] {
        DemoDistrict.caseSources(plan).flatMap { DemoDistrict.cases(of: $0, plan: plan, settings: settings, departments: departments) }
    }

    /// The action a stored timeline event stands for, to replay it through the machine.
    static func action(_ e: CaseEvent) -> CaseAction? {
        switch e.action {
        case .report: nil
        case .accept: .accept(note: e.note)
        case .reject: .reject(reason: e.reason ?? "")
        case .dispatch: .dispatch(department: e.department ?? "", note: e.note)
        case .signFor: .signFor(note: e.note)
        case .handle: .handle(note: e.note)
        case .verify: .verify(note: e.note)
        case .returnForRework: .returnForRework(reason: e.reason ?? "")
        case .close: .close(note: e.note)
        case .resolveOnSpot: .resolveOnSpot(note: e.note)
        case .callback: .callback(rating: e.rating ?? .satisfied, note: e.note)
        case .sendBack: .sendBack(reason: e.reason ?? "")
        case .escalate: .escalate(to: e.level ?? .district, reason: e.reason ?? "")
        case .suspend: .suspend(reason: e.reason ?? "", until: e.until)
        case .resume: .resume(note: e.note)
        case .reopen: .reopen(reason: e.reason ?? "")
        case .markUnsolvable: .markUnsolvable(reason: e.reason ?? "")
        case .merge: .merge(into: e.mergedInto ?? "", note: e.note)
        case .supervise: .supervise(note: e.note)
        }
    }
}

@Suite struct DemoCaseTests {
    @Test func sameSeedSameCasesOtherSeedOther() {
        let again = DemoCaseFixture.make()
        #expect(again == DemoCaseFixture.cases)
        var other = DemoFixture.small
        other.seed = 7
        let otherPlan = DemoDistrict.plan(other)
        let first = otherPlan.grids[0].code
        let otherCases = DemoDistrict.cases(of: .grid(first), plan: otherPlan, settings: DemoCaseFixture.settings, departments: DemoCaseFixture.departments)
        #expect(otherCases.map(\.trackingCode) != DemoCaseFixture.cases.filter { $0.gridCode == first }.map(\.trackingCode))
    }

    @Test func aboutAThousandCasesPerGridAndYear() {
        let perYear = Double(DemoCaseFixture.cases.count) / 12.36 / 60 * 365
        // January and February are quiet months (0.8–0.85 of the year's average).
        #expect((700...1000).contains(perYear), "\(perYear) cases per grid and year")
        let expected = DemoDistrict.caseSources(DemoCaseFixture.plan).reduce(0) {
            $0 + DemoDistrict.expectedCaseCount(of: $1, plan: DemoCaseFixture.plan, settings: DemoCaseFixture.settings)
        }
        #expect(expected >= DemoCaseFixture.cases.count && expected - DemoCaseFixture.cases.count < 40, "only the rest of today is cut")
    }

    @Test func everyTimelineReplaysThroughTheMachine() throws {
        for c in DemoCaseFixture.cases {
            let first = try #require(c.timeline.first)
            #expect(first.event.action == .report && first.event.at == c.snapshot.reportedAt)
            var snapshot = CaseMachine.report(id: c.id.uuidString, level: first.event.level ?? .grid, by: first.actor.role, at: first.event.at).snapshot
            var last = first.event.at
            for step in c.timeline.dropFirst() {
                let action = try #require(DemoCaseFixture.action(step.event))
                let t = try CaseMachine.apply(action, to: snapshot, by: step.actor.role, at: step.event.at)
                #expect(t.event == step.event, "\(c.trackingCode) \(step.event.action)")
                #expect(step.event.at >= last && step.event.at <= DemoCaseFixture.now)
                last = step.event.at
                snapshot = t.snapshot
            }
            #expect(snapshot == c.snapshot, "\(c.trackingCode)")
        }
    }

    @Test func everyStateChannelAndRatingIsThere() {
        let cases = DemoCaseFixture.cases
        #expect(Set(cases.map(\.snapshot.state)) == Set(CaseState.allCases))
        #expect(Set(cases.map(\.channel)) == Set(CaseChannel.allCases))
        let ratings = cases.compactMap(\.snapshot.rating)
        let satisfied = Double(ratings.filter { $0 == .satisfied }.count) / Double(ratings.count)
        #expect(satisfied > 0.75 && satisfied < 0.95, "mostly 满意: \(satisfied)")
        #expect(ratings.contains(.dissatisfied) && ratings.contains(.basicallySatisfied))
        #expect(cases.contains { $0.snapshot.reworkCount > 0 })
        #expect(cases.contains { $0.snapshot.reopenCount > 0 })
        #expect(cases.contains { !$0.suspensions.isEmpty })
        #expect(cases.contains { $0.snapshot.outcome == .unsolvable })
        #expect(cases.contains { c in c.timeline.contains { $0.event.action == .sendBack } })
        #expect(cases.contains { c in c.timeline.contains { $0.event.action == .resolveOnSpot } })
        // Late ones: closed after the resolve deadline, and supervised and escalated by the time-limit monitor.
        let closed = cases.filter { $0.snapshot.closedAt != nil }
        let late = closed.filter { $0.snapshot.closedAt! > $0.deadlines.resolveBy }.count
        #expect(late > closed.count / 40 && late < closed.count / 4, "\(late) of \(closed.count) closed late")
        #expect(cases.contains { c in c.timeline.contains { $0.actor == .system && $0.event.action == .escalate } })
        #expect(cases.filter { $0.gridCode == nil }.count > 10, "district-wide letters and calls")
        let now = DemoCaseFixture.now
        let open = cases.filter { Overdue.running.contains($0.snapshot.state) }
        #expect(open.contains { $0.deadlines.resolveWarnAt <= now && now < $0.deadlines.resolveBy }, "some in the 预警 queue")
        #expect(open.contains { $0.deadlines.resolveBy < now }, "some overdue")
    }

    @Test func placesCodesAndDeadlinesAreConsistent() throws {
        let plan = DemoCaseFixture.plan
        var codes = Set<String>(), publicCodes = Set<String>(), ids = Set<UUID>()
        for c in DemoCaseFixture.cases {
            #expect(TrackingCode.isValid(c.trackingCode) && PublicCode.normalized(c.publicCode) == c.publicCode)
            codes.insert(c.trackingCode)
            publicCodes.insert(c.publicCode)
            ids.insert(c.id)
            if let grid = c.gridCode {
                let box = try #require(plan.unit(grid)?.box)
                let p = try #require(c.point)
                #expect(box.minLon < p.lon && p.lon < box.maxLon && box.minLat < p.lat && p.lat < box.maxLat)
                let address = try #require(c.address)
                #expect(DemoDistrict.buildings(ofGrid: grid, plan: plan).contains { address.hasPrefix($0.address) })
            } else {
                #expect(c.point == nil && c.snapshot.level == .district)
            }
            let category = try #require(DemoCaseFixture.settings.categories[c.categoryKey])
            var expected = CaseDeadlines(
                reportedAt: c.snapshot.reportedAt, limits: category.limits, warnFraction: category.warnFraction, excluding: c.suspensions)
            if let reopened = c.timeline.last(where: { $0.event.action == .reopen }) {
                expected = expected.reopened(at: reopened.event.at, limits: category.limits, warnFraction: category.warnFraction)
            }
            #expect(c.deadlines == expected, "\(c.trackingCode)")
            if c.snapshot.state == .dispatched || c.snapshot.state == .signedFor {
                #expect(c.snapshot.department == DemoCaseFixture.departments[c.categoryKey])
            }
        }
        #expect(codes.count == DemoCaseFixture.cases.count && publicCodes.count == codes.count && ids.count == codes.count)
        // Ids grow in the order each source writes its cases, and step ids follow their case's.
        for source in Dictionary(grouping: DemoCaseFixture.cases, by: \.gridCode).values {
            #expect(source.map(\.id.uuidString) == source.map(\.id.uuidString).sorted())
        }
        let c = DemoCaseFixture.cases[0]
        #expect(c.id.uuidString < c.eventID(seq: 1).uuidString && c.eventID(seq: 1).uuidString < c.eventID(seq: 2).uuidString)
    }

    @Test func codesNeverRepeatAcrossTheOrdinalSpace() {
        var seen = Set<String>()
        let grids = [0, 1, 999, 5000]
        for g in grids {
            for day in stride(from: 0, to: 4096, by: 97) {
                for i in 0..<8 { seen.insert(DemoCaseCodes.tracking(DemoCaseGenerator.ordinal(source: g, day: day, index: i), seed: 2026)) }
            }
        }
        #expect(seen.count == grids.count * 43 * 8)
        #expect(DemoCaseGenerator.ordinal(source: 5001, day: 4095, index: 1023) < Int(DemoCaseCodes.space))
        #expect(DemoCaseCodes.reversedDigits(DemoCaseCodes.reversedDigits(123_456_789)) == 123_456_789)
    }

    @Test func seasonsAndHoursShowInAYear() {
        let plan = DemoCaseFixture.plan
        let settings = DemoCaseSettings(now: DemoCaseFixture.now, days: 365, categories: DemoCaseFixture.settings.categories)
        let cases = DemoDistrict.cases(of: .grid(plan.grids[0].code), plan: plan, settings: settings, departments: DemoCaseFixture.departments)
        #expect((800...1200).contains(cases.count), "\(cases.count) in a year")
        let calendar = ChinaTime.calendar
        func month(_ c: DemoCase) -> Int { calendar.component(.month, from: c.snapshot.reportedAt) }
        let flooding = cases.filter { $0.categoryKey == "emergency.road_flooding" || $0.categoryKey == "emergency.sewer_blocked" }
        #expect(flooding.filter { (6...8).contains(month($0)) }.count > flooding.count / 2, "the summer rains")
        let heating = cases.filter { $0.title.contains("暖气") || $0.title.contains("室温") }
        #expect(!heating.isEmpty && heating.allSatisfy { ![4, 5, 6, 7, 8, 9, 10].contains(month($0)) }, "heating only in the heating season")
        let night = cases.filter { (1...5).contains(calendar.component(.hour, from: $0.snapshot.reportedAt)) }.count
        #expect(night < cases.count / 20, "few reports at night")
        #expect(cases.filter { $0.channel == .window }.allSatisfy { WorkingCalendar.standard.isWorkday(SimpleDate(ChinaTime.calendar, $0.snapshot.reportedAt)) })
    }

    @Test func noCasesWithoutDays() {
        let settings = DemoCaseSettings(now: DemoCaseFixture.now, days: 0, categories: DemoCaseFixture.settings.categories)
        #expect(DemoDistrict.cases(of: .grid(DemoCaseFixture.plan.grids[0].code), plan: DemoCaseFixture.plan, settings: settings, departments: [:]).isEmpty)
    }
}

extension SimpleDate {
    fileprivate init(_ calendar: Calendar, _ date: Date) {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)!
    }
}
