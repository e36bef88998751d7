import Foundation
import Testing
import Vapor
import WanggeTestSupport
@testable import WanggeWeb

/// Every page address comes from `SiteURL`: a link built from a case must reach the route registered
/// from the same case, and no page route may be registered any other way.
@Suite("Site URLs and routes")
struct SiteURLTests {
    static let id = UUID()
    /// One value of every case (add a new case here; the second test fails until you do).
    static let all: [SiteURL] = [
        .home, .login, .loginCode, .account, .accountTokens, .accountTokenRevoke(id), .logout, .units, .unit(id),
        .unitManage(id, action: "rename"), .unitAssignmentEnd(id, assignment: id), .residents(query: "张", page: 2), .resident(id),
        .household(id), .residentReveal(id), .residentEdit(id), .residentExport(id), .residentAnonymise(id), .adminAccounts,
        .adminAccount(id, action: "disable"), .coverage(unit: id), .importExport, .audit(AuditSearch(actor: "a"), page: 2), .auditVerify,
        .auditExport(AuditSearch()), .export(kind: "residents", unit: id), .cases(queue: "all", search: CaseSearch(state: "closed", q: "幸福路"), after: id), .caseNew, .caseDetail(id), .caseAct(id), .caseReveal(id),
        .caseAttachment(id, file: id), .caseSetupCategories, .caseSetupCategory("city.x"), .caseSetupCategoryActive("city.x"),
        .caseSetupDepartments, .caseSetupDepartment("housing"), .caseSetupRoutes, .caseSetupRouteDelete(id), .caseSetupCalendar(year: 2026),
        .caseSetupCalendarDelete("2026-10-01"), .importProblems(id), .importUndo(id), .leaflet("leaflet.js"), .reportMap("110199001001001"), .caseNewMap, .caseNewAddresses(q: "幸福"),
        .outbox(state: "dead", after: id), .outboxRetry(id), .mailbox,
        .report("110199001001001"), .track("ABCD2345"), .trackRate("ABCD2345"), .asset("app.css"), .healthz,
        .services, .serviceSetup, .serviceSetupItem("residence_permit"), .serviceSetupActive("residence_permit"), .unitMember(id, assignment: id),
        .gridCard(id), .agentCard(id, assignment: id), .unitCards(id), .buildingCards(id), .gridQR(id, format: "png"), .today, .readyz, .openAPI, .openAPIOpen311, .metrics,
        .socialLog(id, search: SocialLogSearch(q: "停车", from: "2026-11-01", to: "2026-11-30"), after: id), .needs(id, state: "open"), .need(id),
        .needResolve(id), .needToCase(id), .unitPatrols(id), .patrol(id), .patrolPoints(id), .patrolFindings(id), .patrolEnd(id),
        .findingCase(id, finding: id), .findingPhoto(id, finding: id), .examples(ExampleSearch(service: "residence_permit", q: "居住证", outcome: "solved")), .exampleNew(caseID: id),
        .example(id), .examplePublish(id),
        .visits(id, order: "building"), .householdVisit(id, draft: id), .visit(id), .visitPhoto(id, file: id),
        .care(id), .careRead(id),
        .dashboard(), .dashboard(id, period: MeasureQuery(month: "2026-10")), .dashboardMap(id, measure: "rework", period: MeasureQuery(month: "2026-10")),
        .rankings(unit: id, month: "2026-10"),
        .departmentDashboard(), .departmentDashboard("housing", unit: id, period: MeasureQuery(month: "2026-10")),
        .scoringWeights, .scoringWeightsTable("points"),
        .dashboardMap(id, measure: "on_time_closing", period: MeasureQuery(month: "2026-10"), category: "city_appearance"),
        .monthlyReport(id, month: "2026-10"),
        .reportExport(id, format: "csv", table: "children", of: "dashboard", period: MeasureQuery(month: "2026-10")),
        .powers(id), .power(id), .powerDelete(id), .powerFlow(id), .tasks(id, state: "admitted"), .taskReview(id), .decisions(id), .decisionStep(id),
        .notices(id), .portal("110105001001"), .portalFeed("110105001001", format: "atom"), .noticeAttachment(id), .noticeReach(id), .noticeSheet(id, building: id), .noticePosted(id), .noticeRetry(id), .publicNotice(id),
        .noticeOpen("0123456789abcdef0123456789abcdef"), .gridNotices("110105001001"), .casePowerTag(id),
        .offlineApp, .offlineWorker, .offlineManifest, .syncConflicts, .syncConflict(id), .syncDevices, .syncRescue,
        .stations(id), .station(id), .party(id), .partyOrgs(id), .partyMembers(id), .partyService(id), .partyCentral(id), .partyCentralRemove(id),
        .council(id), .councilMembers(id), .councilMemberRemove(id), .councilMeetings(id), .councilMeeting(id), .councilMinutes(id), .proposalStep(id),
        .portalCouncil("110105001001"), .portalMeeting(id, code: "ABCD2345"), .portalMeetingRegister(id), .portalMeetingCheckIn(id), .portalProposal(id),
        .portalProposalVote(id),
        .market(state: "ordered"), .marketOrder(id), .marketOrderAct(id), .marketOrderPhone(id), .marketSetup, .marketProviders, .marketItems, .marketProviderAccount(id),
        .marketFigures(month: "2026-11"), .residentMarket("110199001001001"), .marketTrack("ABCD2345"), .marketTrackRate("ABCD2345"),
        .volunteers(id), .volunteerTeams(id), .volunteerPeople(id), .volunteerActivities(id), .volunteerActivity(id), .volunteerSignUp(id),
        .volunteerCheckIn(id), .volunteerHours(id), .volunteerCorrect(id), .volunteer(id), .volunteerNotes(id), .volunteerRedeem(id),
        .volunteerCertify(id), .volunteerReveal(id), .certificate(id), .certificateVerify(code: "ABCD-EFGH-JK"), .venues(id), .venueBookings(id), .venueBookingCancel(id),
    ]

    static func components(_ url: SiteURL) -> [String] {
        url.path.split(separator: "?")[0].split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
    }

    static func matches(_ path: [String], _ pattern: [PathComponent]) -> Bool {
        guard path.count == pattern.count else { return false }
        return zip(path, pattern).allSatisfy { segment, component in
            switch component {
            case .constant(let c): c == segment
            case .parameter: !segment.isEmpty
            default: false
            }
        }
    }

    @Test("a query string is what URLComponents writes, with or without characters to encode")
    func queries() {
        let values: [String?] = [nil, "", "2026-11", "AC51C399-DBBB-4F09-BB82-B649341421E3", "city.x_y~z", "张三", "a b", "a&b=c", "50%", "+86", "/?#[]@!$'()*,;"]
        for a in values {
            for b in values {
                let items = [URLQueryItem(name: "unit", value: a), URLQueryItem(name: "q", value: b)]
                var c = URLComponents()
                c.queryItems = items.filter { $0.value != nil }
                let expected = (c.queryItems?.isEmpty ?? true) ? "" : "?" + (c.percentEncodedQuery ?? "")
                #expect(SiteURL.query(items) == expected, "\(String(describing: a)), \(String(describing: b))")
            }
        }
    }

    @Test("each case's path matches its own route pattern")
    func pathsMatchPatterns() {
        for url in Self.all {
            #expect(Self.matches(Self.components(url), url.pattern), "\(url.path) vs \(url.pattern.string)")
        }
    }

    @Test("every page route is registered from a SiteURL, and every SiteURL has a route")
    func routesComeFromSiteURL() async throws {
        try await withApp(.sqlite, demo: false) { app in
            let registered = app.routes.all.map(\.path)
            let pages = registered.filter { path in
                let first = path.first.map { "\($0)" } ?? ""
                return first != "api" && first != "open311"
            }
            for path in pages {
                #expect(Self.all.contains { $0.pattern.string == path.string }, "/\(path.string) is registered without a SiteURL")
            }
            for url in Self.all {
                #expect(registered.contains { $0.string == url.pattern.string }, "\(url.path) has no route")
            }
        }
    }
}
