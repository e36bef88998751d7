import Testing
@testable import WanggeCore

@Suite("Openness: vote rules of 四议两公开")
struct VoteRulesTests {
    static func vote(_ eligible: Int, _ present: Int, _ approve: Int) -> MeetingVote {
        MeetingVote(eligible: eligible, present: present, approve: approve, oppose: present - approve, abstain: 0)
    }

    /// Hand-computed: (kind, eligible, present, approve, quorum, passed).
    static let fixtures: [(MeetingKind, Int, Int, Int, Bool, Bool)] = [
        // Party members' meeting: ≥ 2/3 present. 20 of 30 is exactly two thirds: a quorum.
        (.partyMembers, 30, 20, 11, true, true),
        // 19 of 30 is short of two thirds, however many approve.
        (.partyMembers, 30, 19, 19, false, false),
        // Exactly half of those present is not more than half.
        (.partyMembers, 30, 20, 10, true, false),
        // 2/3 of 31 is 20.67: 21 needed, 20 is not enough.
        (.partyMembers, 31, 20, 20, false, false),
        (.partyMembers, 31, 21, 11, true, true),
        // Odd attendance: 21 present, 11 is more than half (10.5), 10 is not.
        (.partyMembers, 30, 21, 10, true, false),
        (.partyMembers, 3, 2, 2, true, true),
        // Residents' meeting: more than half present. Exactly half (50 of 100) is no quorum.
        (.residents, 100, 50, 50, false, false),
        (.residents, 100, 51, 26, true, true),
        (.residents, 100, 51, 25, true, false),
        (.residents, 101, 51, 26, true, true),
        // Representatives: ≥ 2/3 present like the party meeting.
        (.representatives, 35, 24, 13, true, true),
        (.representatives, 35, 23, 23, false, false),
        (.representatives, 36, 24, 12, true, false),
        // Nobody present.
        (.residents, 10, 0, 0, false, false),
    ]

    @Test("quorum and majority for every fixture, including exactly ⅔ and exactly ½")
    func fixturesHold() {
        for (kind, eligible, present, approve, quorum, passed) in Self.fixtures {
            let r = VoteRules.result(kind, Self.vote(eligible, present, approve))
            #expect(r == MeetingResult(quorum: quorum, passed: passed), "\(kind) \(eligible)/\(present)/\(approve)")
        }
    }

    @Test("impossible counts are refused naming the field")
    func impossibleCounts() {
        let bad: [(MeetingVote, String)] = [
            (MeetingVote(eligible: 0, present: 0, approve: 0, oppose: 0, abstain: 0), "eligible"),
            (MeetingVote(eligible: 10, present: 11, approve: 0, oppose: 0, abstain: 0), "present"),
            (MeetingVote(eligible: 10, present: -1, approve: 0, oppose: 0, abstain: 0), "present"),
            (MeetingVote(eligible: 10, present: 8, approve: 5, oppose: 3, abstain: 1), "approve"),
            (MeetingVote(eligible: 10, present: 8, approve: -1, oppose: 0, abstain: 0), "approve"),
        ]
        for (vote, field) in bad {
            #expect(throws: OpennessProblem.self) { try vote.check() }
            do { try vote.check() } catch { #expect(error.field == field) }
        }
        #expect(throws: Never.self) { try MeetingVote(eligible: 10, present: 8, approve: 5, oppose: 2, abstain: 1).check() }
    }
}

@Suite("Openness: the major-decision machine")
struct DecisionMachineTests {
    /// The specification: each step, the one stage it may start from, and where it leads when it passes.
    static let table: [(DecisionStep, DecisionStage, DecisionStage)] = [
        (.consult(note: "同意"), .proposed, .consulted),
        (.partyMeeting(VoteRulesTests.vote(30, 20, 11)), .consulted, .partyReviewed),
        (.residentsMeeting(.representatives, VoteRulesTests.vote(35, 24, 13)), .partyReviewed, .resolved),
        (.publishResolution(text: "决议"), .resolved, .resolutionPublished),
        (.publishResult(text: "结果"), .resolutionPublished, .resultPublished),
    ]

    @Test("each step moves exactly one stage on, from its own stage only")
    func order() throws {
        for (step, from, to) in Self.table {
            for stage in DecisionStage.allCases {
                if stage == from {
                    #expect(try DecisionMachine.apply(step, to: stage).stage == to)
                } else {
                    #expect(throws: OpennessProblem.invalid("decision.out_of_order", ["@" + stage.nameKey])) { try DecisionMachine.apply(step, to: stage) }
                }
            }
        }
    }

    @Test("a meeting without quorum or majority rejects the decision, and records why")
    func rejection() throws {
        let noQuorum = try DecisionMachine.apply(.partyMeeting(VoteRulesTests.vote(30, 19, 19)), to: .consulted)
        #expect(noQuorum == .init(stage: .rejected, result: MeetingResult(quorum: false, passed: false)))
        let tie = try DecisionMachine.apply(.residentsMeeting(.residents, VoteRulesTests.vote(100, 60, 30)), to: .partyReviewed)
        #expect(tie == .init(stage: .rejected, result: MeetingResult(quorum: true, passed: false)))
        #expect(throws: OpennessProblem.self) { try DecisionMachine.apply(.publishResult(text: "x"), to: .rejected) }
    }

    @Test("the resolution is not the party meeting's, and texts are required")
    func wrongMeetingAndEmptyText() {
        #expect(throws: OpennessProblem.invalid("decision.bad_meeting", field: "kind")) {
            try DecisionMachine.apply(.residentsMeeting(.partyMembers, VoteRulesTests.vote(30, 30, 30)), to: .partyReviewed)
        }
        #expect(throws: OpennessProblem.invalid("decision.text_required", field: "text")) { try DecisionMachine.apply(.consult(note: "  "), to: .proposed) }
    }
}

@Suite("Openness: task admission (准入制)")
struct AdmissionMachineTests {
    /// The specification: which decisions each list allows.
    static let allowed: [FourList?: Set<AdmissionActionKind>] = [
        .selfGovernance: [.admit, .refuse],
        .assistGovernment: [.admit, .refuse],
        .purchasable: [.admit, .refuse, .buyAsService],
        .negative: [.refuse],
        nil: [.admit, .refuse],
    ]

    static func decision(_ kind: AdmissionActionKind) -> AdmissionDecision {
        switch kind {
        case .admit: .admit(basis: "《城市居民委员会组织法》第三条")
        case .refuse: .refuse(reason: "不属于社区职责")
        case .buyAsService: .buyAsService(note: nil)
        }
    }

    @Test("every decision on every list goes where the table says, from submitted only")
    func table() throws {
        let lists: [FourList?] = FourList.allCases + [nil]
        for list in lists {
            for kind in AdmissionActionKind.allCases {
                #expect(AdmissionMachine.allows(kind, list: list) == Self.allowed[list]!.contains(kind))
                if Self.allowed[list]!.contains(kind) {
                    let out = try AdmissionMachine.review(.submitted, list: list, decision: Self.decision(kind))
                    let expected: AdmissionState = [.admit: .admitted, .refuse: .refused, .buyAsService: .purchase][kind]!
                    #expect(out.state == expected)
                    #expect(out.negative == (list == .negative))
                } else {
                    #expect(throws: OpennessProblem.self) { try AdmissionMachine.review(.submitted, list: list, decision: Self.decision(kind)) }
                }
                for state in AdmissionState.allCases where state != .submitted {
                    #expect(throws: OpennessProblem.invalid("admission.already_reviewed", ["@" + state.nameKey])) {
                        try AdmissionMachine.review(state, list: list, decision: Self.decision(kind))
                    }
                }
            }
        }
    }

    @Test("a negative-list task admitted is refused with the reason; refused it is counted as negative")
    func negativeList() throws {
        #expect(throws: OpennessProblem.invalid("admission.negative_list", field: "decision")) {
            try AdmissionMachine.review(.submitted, list: .negative, decision: .admit(basis: "某文件"))
        }
        let out = try AdmissionMachine.review(.submitted, list: .negative, decision: .refuse(reason: " 负面清单 "))
        #expect(out == .init(state: .refused, reason: "负面清单", basis: nil, negative: true))
    }

    @Test("an unlisted task needs a cited law to enter; a refusal needs a reason")
    func basisAndReason() throws {
        #expect(throws: OpennessProblem.invalid("admission.basis_required", field: "basis")) { try AdmissionMachine.review(.submitted, list: nil, decision: .admit(basis: " ")) }
        #expect(try AdmissionMachine.review(.submitted, list: .assistGovernment, decision: .admit(basis: nil)).state == .admitted)
        #expect(throws: OpennessProblem.invalid("admission.reason_required", field: "reason")) { try AdmissionMachine.review(.submitted, list: nil, decision: .refuse(reason: "")) }
    }
}

@Suite("Openness: power items and their flow charts")
struct PowerItemTests {
    static let good = PowerItemDraft(
        category: "certificate", title: " 居住证明出具 ", legalBasis: "《居住证暂行条例》", responsibleRole: "社区居委会", steps: ["申请", "", "核实", "出具"],
        timeLimitDays: "3")

    @Test("a draft is cleaned: blank steps dropped, days read")
    func clean() throws {
        let item = try Self.good.validated()
        #expect(item.title == "居住证明出具")
        #expect(item.steps == ["申请", "核实", "出具"])
        #expect(item.timeLimitDays == 3)
        #expect(item.category == .certificate)
    }

    @Test("bad drafts are refused naming the field")
    func refusals() {
        var cases: [(PowerItemDraft, String)] = []
        var d = Self.good
        d.category = "bribes"
        cases.append((d, "category"))
        d = Self.good
        d.title = " "
        cases.append((d, "title"))
        d = Self.good
        d.legalBasis = ""
        cases.append((d, "legal_basis"))
        d = Self.good
        d.steps = ["只有一步"]
        cases.append((d, "steps"))
        d = Self.good
        d.steps = Array(repeating: "步骤", count: 13)
        cases.append((d, "steps"))
        d = Self.good
        d.timeLimitDays = "0"
        cases.append((d, "time_limit_days"))
        d = Self.good
        d.timeLimitDays = "三天"
        cases.append((d, "time_limit_days"))
        for (draft, field) in cases {
            do {
                _ = try draft.validated()
                Issue.record("accepted \(draft)")
            } catch { #expect(error.field == field) }
        }
    }

    @Test("flow chart: one box a step, wrapped at 16 characters, 28 px apart")
    func layout() {
        let chart = FlowChartLayout(steps: ["申请", "一二三四五六七八九十一二三四五六七八"])
        #expect(chart.boxes.count == 2)
        // "1. 申请" fits one line: 20 + 2 × 12 = 44 high, from y 10.
        #expect(chart.boxes[0] == .init(x: 10, y: 10, width: 260, height: 44, lines: ["1. 申请"], number: 1))
        // "2. " + 18 characters = 21 characters: two lines, 64 high, below the first box and the gap.
        #expect(chart.boxes[1].y == 10 + 44 + 28)
        #expect(chart.boxes[1].lines == ["2. 一二三四五六七八九十一二三", "四五六七八"])
        #expect(chart.boxes[1].height == 64)
        #expect(chart.height == 82 + 64 + 10)
        #expect(chart.width == 280)
    }

    @Test("every problem key of the openness workflows is in the table")
    func keys() {
        for key in [
            "power.bad_category", "power.title_required", "power.basis_required", "power.role_required", "power.steps_required", "power.too_many_steps",
            "power.step_too_long", "power.bad_days", "power.too_long", "admission.already_reviewed", "admission.negative_list", "admission.not_purchasable",
            "admission.basis_required", "admission.reason_required", "decision.eligible_required", "decision.present_range", "decision.votes_range",
            "decision.votes_exceed", "decision.out_of_order", "decision.text_required", "decision.bad_meeting",
        ] {
            #expect(L10n.has(key), "missing \(key)")
        }
        let keys =
            PowerCategory.allCases.map(\.nameKey) + FourList.allCases.map(\.nameKey) + AdmissionState.allCases.map(\.nameKey)
            + AdmissionActionKind.allCases.map(\.nameKey) + MeetingKind.allCases.map(\.nameKey) + DecisionStage.allCases.map(\.nameKey)
        for key in keys { #expect(L10n.t(key, lang: .zh) != L10n.t(key, lang: .en), "\(key)") }
    }
}
