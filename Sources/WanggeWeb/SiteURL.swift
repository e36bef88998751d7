import Foundation
import Vapor

/// Every page address in one place: routes are registered from these and links are built from
/// them, so a renamed route cannot leave a dead link behind.
enum SiteURL {
    case home
    case login
    case loginCode
    case account
    case accountTokens
    case accountTokenRevoke(UUID)
    case logout
    case units
    case unit(UUID)
    case unitManage(UUID, action: String)
    case unitAssignmentEnd(UUID, assignment: UUID)
    case residents(query: String? = nil, page: Int = 1)
    case resident(UUID)
    case household(UUID)
    case residentReveal(UUID)
    case residentEdit(UUID)
    case residentExport(UUID)
    case residentAnonymise(UUID)
    case adminAccounts
    case adminAccount(UUID, action: String)
    case coverage(unit: UUID? = nil)
    case importExport
    case importProblems(UUID)
    case importUndo(UUID)
    case audit(AuditSearch = AuditSearch(), page: Int = 1)
    case auditVerify
    case auditExport(AuditSearch)
    case export(kind: String, unit: UUID? = nil)
    case cases(queue: String? = nil, search: CaseSearch = CaseSearch(), after: UUID? = nil)
    case caseNew
    case caseDetail(UUID)
    case caseAct(UUID)
    case caseReveal(UUID)
    case caseAttachment(UUID, file: UUID)
    case caseSetupCategories
    case caseSetupCategory(String)
    case caseSetupCategoryActive(String)
    case caseSetupDepartments
    case caseSetupDepartment(String)
    case caseSetupRoutes
    case caseSetupCalendar(year: Int? = nil)
    case caseSetupCalendarDelete(String)
    case caseSetupRouteDelete(UUID)
    case outbox(state: String? = nil, after: UUID? = nil)
    case outboxRetry(UUID)
    case mailbox
    case report(String, building: String? = nil)
    case track(String)
    case trackRate(String)
    case asset(String)
    case leaflet(String)
    case reportMap(String)
    case caseNewMap
    case caseNewAddresses(q: String? = nil)
    case healthz
    case readyz
    /// The OpenAPI 3.1 descriptions: the staff JSON API, and Open311 GeoReport v2 on its own.
    case openAPI
    case openAPIOpen311
    /// Prometheus metrics of this instance (not public: see `WanggeMetrics`).
    case metrics
    case today
    case services
    case serviceSetup
    case serviceSetupItem(String)
    case serviceSetupActive(String)
    case unitMember(UUID, assignment: UUID)
    case gridCard(UUID)
    case agentCard(UUID, assignment: UUID)
    case unitCards(UUID)
    case gridQR(UUID, format: String, building: String? = nil)
    case buildingCards(UUID)
    case socialLog(UUID, search: SocialLogSearch = SocialLogSearch(), after: UUID? = nil)
    case needs(UUID, state: String? = nil, after: UUID? = nil)
    case need(UUID)
    case needResolve(UUID)
    case needToCase(UUID)
    case unitPatrols(UUID)
    case patrol(UUID)
    case patrolPoints(UUID)
    case patrolFindings(UUID)
    case patrolEnd(UUID)
    case findingCase(UUID, finding: UUID)
    case findingPhoto(UUID, finding: UUID)
    case examples(ExampleSearch = ExampleSearch())
    case exampleNew(caseID: UUID? = nil)
    case example(UUID)
    case examplePublish(UUID)
    case visits(UUID, order: String? = nil)
    case householdVisit(UUID, draft: UUID? = nil)
    case visit(UUID)
    case visitPhoto(UUID, file: UUID)
    case care(UUID)
    case careRead(UUID)
    case dashboard(UUID? = nil, period: MeasureQuery = MeasureQuery())
    case dashboardMap(UUID, measure: String? = nil, period: MeasureQuery = MeasureQuery(), category: String? = nil)
    case rankings(unit: UUID? = nil, month: String? = nil)
    /// The departments' figures and ranking (no key), or one department's dashboard, within a unit.
    case departmentDashboard(String? = nil, unit: UUID? = nil, period: MeasureQuery = MeasureQuery())
    /// The rankings' tables of weights, and saving a new version of one.
    case scoringWeights
    case scoringWeightsTable(String)
    case monthlyReport(UUID, month: String? = nil)
    case reportExport(UUID, format: String, table: String? = nil, of: String? = nil, period: MeasureQuery = MeasureQuery())
    case powers(UUID)
    case power(UUID)
    case powerDelete(UUID)
    case powerFlow(UUID)
    case tasks(UUID, state: String? = nil)
    case taskReview(UUID)
    case decisions(UUID)
    case decisionStep(UUID)
    case notices(UUID)
    case portal(String)
    case portalFeed(String, format: String)
    case noticeAttachment(UUID)
    /// A notice's reach for staff, its printable sheet (for one building, `b`), and posting it.
    case noticeReach(UUID)
    case noticeSheet(UUID, building: UUID? = nil)
    case noticePosted(UUID)
    case noticeRetry(UUID)
    /// A notice as the public reads it, a household's own link to it, and a grid's notice feed.
    case publicNotice(UUID)
    case noticeOpen(String)
    case gridNotices(String)
    case casePowerTag(UUID)
    case offlineApp
    case offlineWorker
    case offlineManifest
    case syncConflicts
    case syncConflict(UUID)
    case syncDevices
    case syncRescue
    /// A unit's service centres and stations, and one station's edit page.
    case stations(UUID)
    case station(UUID)
    /// A unit's party overlay, and its writes.
    case party(UUID)
    case partyOrgs(UUID)
    case partyMembers(UUID)
    case partyService(UUID)
    /// Sets a grid's 党员中心户; takes the mark off one.
    case partyCentral(UUID)
    case partyCentralRemove(UUID)
    /// A community's residents' council for staff: members, meetings, proposals; and its writes.
    case council(UUID)
    case councilMembers(UUID)
    case councilMemberRemove(UUID)
    case councilMeetings(UUID)
    case councilMeeting(UUID)
    case councilMinutes(UUID)
    case proposalStep(UUID)
    /// The council on the public portal (and its proposal form), a meeting's public page (with the
    /// check-in code its QR sheet carries) and a proposal's public page, with their forms.
    case portalCouncil(String)
    case portalMeeting(UUID, code: String? = nil)
    case portalMeetingRegister(UUID)
    case portalMeetingCheckIn(UUID)
    case portalProposal(UUID)
    case portalProposalVote(UUID)
    /// The service market: the desk, an order and its steps, the setup, the figures; a grid's public
    /// order page, and an order's page for the resident who holds its code.
    case market(state: String? = nil)
    case marketOrder(UUID)
    case marketOrderAct(UUID)
    case marketOrderPhone(UUID)
    case marketSetup
    case marketProviders
    case marketItems
    case marketProviderAccount(UUID)
    case marketFigures(month: String? = nil)
    case residentMarket(String)
    case marketTrack(String)
    case marketTrackRate(String)
    /// A community's volunteer service: its page and writes, an activity, a volunteer, a
    /// certificate (and the public check of one), and the street's shared venues.
    case volunteers(UUID)
    case volunteerTeams(UUID)
    case volunteerPeople(UUID)
    case volunteerActivities(UUID)
    case volunteerActivity(UUID)
    case volunteerSignUp(UUID)
    case volunteerCheckIn(UUID)
    case volunteerHours(UUID)
    case volunteerCorrect(UUID)
    case volunteer(UUID)
    case volunteerNotes(UUID)
    case volunteerRedeem(UUID)
    case volunteerCertify(UUID)
    case volunteerReveal(UUID)
    case certificate(UUID)
    case certificateVerify(code: String? = nil)
    case venues(UUID)
    case venueBookings(UUID)
    case venueBookingCancel(UUID)

    var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .loginCode: "/login/code"
        case .account: "/account"
        case .logout: "/logout"
        case .units: "/units"
        case .unit(let id): "/units/\(id.uuidString)"
        case .unitManage(let id, let action): "/units/\(id.uuidString)/manage/\(Self.segment(action))"
        case .unitAssignmentEnd(let id, let assignment): "/units/\(id.uuidString)/assignments/\(assignment.uuidString)/end"
        case .accountTokens: "/account/tokens"
        case .accountTokenRevoke(let id): "/account/tokens/\(id.uuidString)/revoke"
        case .residents(let q, let page):
            "/residents" + Self.query(["q": q, "page": page > 1 ? String(page) : nil])
        case .resident(let id): "/residents/\(id.uuidString)"
        case .household(let id): "/households/\(id.uuidString)"
        case .residentReveal(let id): "/residents/\(id.uuidString)/reveal"
        case .residentEdit(let id): "/residents/\(id.uuidString)/edit"
        case .residentExport(let id): "/residents/\(id.uuidString)/export.json"
        case .residentAnonymise(let id): "/residents/\(id.uuidString)/anonymise"
        case .adminAccounts: "/admin/accounts"
        case .adminAccount(let id, let action): "/admin/accounts/\(id.uuidString)/\(action)"
        case .coverage(let unit): "/coverage" + Self.query(["unit": unit?.uuidString])
        case .importExport: "/data"
        case .importProblems(let id): "/data/problems/\(id.uuidString).csv"
        case .importUndo(let id): "/data/batches/\(id.uuidString)/undo"
        case .audit(let search, let page): "/audit" + search.query(page: page)
        case .auditVerify: "/audit/verify"
        case .auditExport(let search): "/audit/export.csv" + search.query(page: 1)
        case .export(let kind, let unit): "/data/export/\(kind).csv" + Self.query(["unit": unit?.uuidString])
        case .cases(let queue, let search, let after):
            "/cases" + Self.query([URLQueryItem(name: "queue", value: queue)] + search.items + [URLQueryItem(name: "after", value: after?.uuidString)])
        case .caseNew: "/cases/new"
        case .caseDetail(let id): "/cases/\(id.uuidString)"
        case .caseAct(let id): "/cases/\(id.uuidString)/act"
        case .caseReveal(let id): "/cases/\(id.uuidString)/reveal"
        case .caseAttachment(let id, let file): "/cases/\(id.uuidString)/attachments/\(file.uuidString)"
        case .caseSetupCategories: "/cases/setup/categories"
        case .caseSetupCalendar(let year): "/cases/setup/calendar" + Self.query(["year": year.map(String.init)])
        case .caseSetupCalendarDelete(let day): "/cases/setup/calendar/\(Self.segment(day))/delete"
        case .caseSetupCategory(let key): "/cases/setup/categories/\(Self.segment(key))"
        case .caseSetupCategoryActive(let key): "/cases/setup/categories/\(Self.segment(key))/active"
        case .caseSetupDepartments: "/cases/setup/departments"
        case .caseSetupDepartment(let key): "/cases/setup/departments/\(Self.segment(key))"
        case .caseSetupRoutes: "/cases/setup/routes"
        case .caseSetupRouteDelete(let id): "/cases/setup/routes/\(id.uuidString)/delete"
        case .outbox(let state, let after): "/notifications" + Self.query(["state": state, "after": after?.uuidString])
        case .outboxRetry(let id): "/notifications/\(id.uuidString)/retry"
        case .mailbox: "/mailbox"
        case .report(let code, let building): "/r/\(Self.segment(code))" + Self.query(["b": building])
        case .track(let code): "/t/\(Self.segment(code))"
        case .trackRate(let code): "/t/\(Self.segment(code))/rate"
        case .asset(let name): "/assets/\(name)"
        case .leaflet(let name): "/vendor/leaflet/\(name)"
        case .reportMap(let code): "/r/\(Self.segment(code))/map.json"
        case .caseNewMap: "/cases/new/map.json"
        case .caseNewAddresses(let q): "/cases/new/addresses.json" + Self.query(["q": q])
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        case .openAPI: "/openapi.json"
        case .openAPIOpen311: "/openapi/open311.json"
        case .metrics: "/metrics"
        case .today: "/today"
        case .services: "/services"
        case .serviceSetup: "/services/setup"
        case .serviceSetupItem(let key): "/services/setup/\(Self.segment(key))"
        case .serviceSetupActive(let key): "/services/setup/\(Self.segment(key))/active"
        case .unitMember(let id, let assignment): "/units/\(id.uuidString)/assignments/\(assignment.uuidString)"
        case .gridCard(let id): "/units/\(id.uuidString)/card"
        case .agentCard(let id, let assignment): "/units/\(id.uuidString)/assignments/\(assignment.uuidString)/card"
        case .unitCards(let id): "/units/\(id.uuidString)/cards"
        case .gridQR(let id, let format, let building): "/units/\(id.uuidString)/qr.\(Self.segment(format))" + Self.query(["b": building])
        case .buildingCards(let id): "/units/\(id.uuidString)/cards/buildings"
        case .socialLog(let id, let search, let after):
            "/units/\(id.uuidString)/log" + Self.query(["q": search.q, "from": search.from, "to": search.to, "after": after?.uuidString])
        case .needs(let id, let state, let after): "/units/\(id.uuidString)/needs" + Self.query(["state": state, "after": after?.uuidString])
        case .need(let id): "/needs/\(id.uuidString)"
        case .needResolve(let id): "/needs/\(id.uuidString)/resolve"
        case .needToCase(let id): "/needs/\(id.uuidString)/case"
        case .unitPatrols(let id): "/units/\(id.uuidString)/patrols"
        case .patrol(let id): "/patrols/\(id.uuidString)"
        case .patrolPoints(let id): "/patrols/\(id.uuidString)/points"
        case .patrolFindings(let id): "/patrols/\(id.uuidString)/findings"
        case .patrolEnd(let id): "/patrols/\(id.uuidString)/end"
        case .findingCase(let id, let finding): "/patrols/\(id.uuidString)/findings/\(finding.uuidString)/case"
        case .findingPhoto(let id, let finding): "/patrols/\(id.uuidString)/findings/\(finding.uuidString)/photo"
        case .examples(let s): "/examples" + Self.query(["service": s.service, "q": s.q, "outcome": s.outcome])
        case .exampleNew(let caseID): "/examples/new" + Self.query(["case": caseID?.uuidString])
        case .example(let id): "/examples/\(id.uuidString)"
        case .examplePublish(let id): "/examples/\(id.uuidString)/publish"
        case .visits(let id, let order): "/units/\(id.uuidString)/visits" + Self.query(["order": order])
        case .householdVisit(let id, let draft): "/households/\(id.uuidString)/visit" + Self.query(["draft": draft?.uuidString])
        case .visit(let id): "/visits/\(id.uuidString)"
        case .visitPhoto(let id, let file): "/visits/\(id.uuidString)/photos/\(file.uuidString)"
        case .care(let id): "/residents/\(id.uuidString)/care"
        case .careRead(let id): "/residents/\(id.uuidString)/care/read"
        case .dashboard(let id, let period): "/dashboard" + (id.map { "/" + $0.uuidString } ?? "") + Self.query(period.items)
        case .dashboardMap(let id, let measure, let period, let category):
            "/dashboard/\(id.uuidString)/map"
                + Self.query([URLQueryItem(name: "measure", value: measure)] + period.items + [URLQueryItem(name: "category", value: category)])
        case .rankings(let unit, let month): "/rankings" + Self.query(["unit": unit?.uuidString, "month": month])
        case .scoringWeights: "/rankings/weights"
        case .scoringWeightsTable(let key): "/rankings/weights/\(Self.segment(key))"
        case .departmentDashboard(let key, let unit, let period):
            "/dashboard/departments" + (key.map { "/" + Self.segment($0) } ?? "")
                + Self.query([URLQueryItem(name: "unit", value: unit?.uuidString)] + period.items)
        case .monthlyReport(let id, let month): "/reports/\(id.uuidString)" + Self.query(["month": month])
        case .reportExport(let id, let format, let table, let of, let period):
            "/reports/\(id.uuidString)/export"
                + Self.query([URLQueryItem(name: "format", value: format), URLQueryItem(name: "table", value: table), URLQueryItem(name: "of", value: of)] + period.items)
        case .powers(let id): "/units/\(id.uuidString)/powers"
        case .power(let id): "/powers/\(id.uuidString)"
        case .powerDelete(let id): "/powers/\(id.uuidString)/delete"
        case .powerFlow(let id): "/open/powers/\(id.uuidString)/flow.svg"
        case .tasks(let id, let state): "/units/\(id.uuidString)/tasks" + Self.query(["state": state])
        case .taskReview(let id): "/tasks/\(id.uuidString)/review"
        case .decisions(let id): "/units/\(id.uuidString)/decisions"
        case .decisionStep(let id): "/decisions/\(id.uuidString)/step"
        case .notices(let id): "/units/\(id.uuidString)/notices"
        case .portal(let code): "/open/\(Self.segment(code))"
        case .portalFeed(let code, let format): "/open/\(Self.segment(code))/feed.\(Self.segment(format))"
        case .noticeAttachment(let id): "/open/notices/\(id.uuidString)/attachment"
        case .noticeReach(let id): "/notices/\(id.uuidString)"
        case .noticeSheet(let id, let building): "/notices/\(id.uuidString)/sheet" + Self.query(["b": building?.uuidString])
        case .noticePosted(let id): "/notices/\(id.uuidString)/posted"
        case .noticeRetry(let id): "/notices/\(id.uuidString)/retry"
        case .publicNotice(let id): "/open/notices/\(id.uuidString)"
        case .noticeOpen(let token): "/n/\(Self.segment(token))"
        case .gridNotices(let code): "/r/\(Self.segment(code))/notices"
        case .casePowerTag(let id): "/cases/\(id.uuidString)/power"
        case .offlineApp: "/app"
        case .offlineWorker: "/app/sw.js"
        case .offlineManifest: "/app/manifest.webmanifest"
        case .syncConflicts: "/sync/conflicts"
        case .syncConflict(let id): "/sync/conflicts/\(id.uuidString)"
        case .syncDevices: "/sync/devices"
        case .syncRescue: "/sync/rescue"
        case .stations(let id): "/units/\(id.uuidString)/stations"
        case .station(let id): "/stations/\(id.uuidString)"
        case .party(let id): "/units/\(id.uuidString)/party"
        case .partyOrgs(let id): "/units/\(id.uuidString)/party/orgs"
        case .partyMembers(let id): "/units/\(id.uuidString)/party/members"
        case .partyService(let id): "/party-members/\(id.uuidString)/service"
        case .partyCentral(let id): "/units/\(id.uuidString)/party/central"
        case .partyCentralRemove(let id): "/party-central/\(id.uuidString)/remove"
        case .council(let id): "/units/\(id.uuidString)/council"
        case .councilMembers(let id): "/units/\(id.uuidString)/council/members"
        case .councilMemberRemove(let id): "/council-members/\(id.uuidString)/remove"
        case .councilMeetings(let id): "/units/\(id.uuidString)/council/meetings"
        case .councilMeeting(let id): "/council-meetings/\(id.uuidString)"
        case .councilMinutes(let id): "/council-meetings/\(id.uuidString)/minutes"
        case .proposalStep(let id): "/proposals/\(id.uuidString)/step"
        case .portalCouncil(let code): "/open/\(Self.segment(code))/council"
        case .portalMeeting(let id, let code): "/open/meetings/\(id.uuidString)" + Self.query(["c": code])
        case .portalMeetingRegister(let id): "/open/meetings/\(id.uuidString)/register"
        case .portalMeetingCheckIn(let id): "/open/meetings/\(id.uuidString)/check-in"
        case .portalProposal(let id): "/open/proposals/\(id.uuidString)"
        case .portalProposalVote(let id): "/open/proposals/\(id.uuidString)/vote"
        case .market(let state): "/market" + Self.query(["state": state])
        case .marketOrder(let id): "/market/orders/\(id.uuidString)"
        case .marketOrderAct(let id): "/market/orders/\(id.uuidString)/act"
        case .marketOrderPhone(let id): "/market/orders/\(id.uuidString)/phone"
        case .marketSetup: "/market/setup"
        case .marketProviders: "/market/setup/providers"
        case .marketItems: "/market/setup/items"
        case .marketProviderAccount(let id): "/market/providers/\(id.uuidString)/accounts"
        case .marketFigures(let month): "/market/figures" + Self.query(["month": month])
        case .residentMarket(let code): "/r/\(Self.segment(code))/market"
        case .marketTrack(let code): "/m/\(Self.segment(code))"
        case .marketTrackRate(let code): "/m/\(Self.segment(code))/rate"
        case .volunteers(let id): "/units/\(id.uuidString)/volunteers"
        case .volunteerTeams(let id): "/units/\(id.uuidString)/volunteers/teams"
        case .volunteerPeople(let id): "/units/\(id.uuidString)/volunteers/people"
        case .volunteerActivities(let id): "/units/\(id.uuidString)/volunteers/activities"
        case .volunteerActivity(let id): "/volunteer-activities/\(id.uuidString)"
        case .volunteerSignUp(let id): "/volunteer-activities/\(id.uuidString)/signups"
        case .volunteerCheckIn(let id): "/volunteer-activities/\(id.uuidString)/check-in"
        case .volunteerHours(let id): "/volunteer-activities/\(id.uuidString)/hours"
        case .volunteerCorrect(let id): "/volunteer-records/\(id.uuidString)/correct"
        case .volunteer(let id): "/volunteers/\(id.uuidString)"
        case .volunteerNotes(let id): "/volunteers/\(id.uuidString)/records"
        case .volunteerRedeem(let id): "/volunteers/\(id.uuidString)/redeem"
        case .volunteerCertify(let id): "/volunteers/\(id.uuidString)/certificates"
        case .volunteerReveal(let id): "/volunteers/\(id.uuidString)/reveal"
        case .certificate(let id): "/certificates/\(id.uuidString)"
        case .certificateVerify(let code): "/certificates/verify" + Self.query(["code": code])
        case .venues(let id): "/units/\(id.uuidString)/venues"
        case .venueBookings(let id): "/units/\(id.uuidString)/venues/bookings"
        case .venueBookingCancel(let id): "/venue-bookings/\(id.uuidString)/cancel"
        }
    }

    /// The route pattern for registering this page (parameters become `:id`).
    var pattern: [PathComponent] {
        switch self {
        case .unit: ["units", ":id"]
        case .unitManage: ["units", ":id", "manage", ":action"]
        case .unitAssignmentEnd: ["units", ":id", "assignments", ":assignment", "end"]
        case .accountTokenRevoke: ["account", "tokens", ":id", "revoke"]
        case .resident: ["residents", ":id"]
        case .household: ["households", ":id"]
        case .residentReveal: ["residents", ":id", "reveal"]
        case .residentEdit: ["residents", ":id", "edit"]
        case .residentExport: ["residents", ":id", "export.json"]
        case .residentAnonymise: ["residents", ":id", "anonymise"]
        case .adminAccount: ["admin", "accounts", ":id", ":action"]
        case .export: ["data", "export", ":file"]
        case .importProblems: ["data", "problems", ":file"]
        case .importUndo: ["data", "batches", ":id", "undo"]
        case .caseDetail: ["cases", ":id"]
        case .caseAct: ["cases", ":id", "act"]
        case .caseReveal: ["cases", ":id", "reveal"]
        case .caseAttachment: ["cases", ":id", "attachments", ":file"]
        case .caseSetupCategory: ["cases", "setup", "categories", ":id"]
        case .caseSetupCategoryActive: ["cases", "setup", "categories", ":id", "active"]
        case .caseSetupDepartment: ["cases", "setup", "departments", ":id"]
        case .caseSetupRouteDelete: ["cases", "setup", "routes", ":id", "delete"]
        case .caseSetupCalendarDelete: ["cases", "setup", "calendar", ":id", "delete"]
        case .outboxRetry: ["notifications", ":id", "retry"]
        case .report: ["r", ":code"]
        case .track: ["t", ":code"]
        case .trackRate: ["t", ":code", "rate"]
        case .asset: ["assets", ":name"]
        case .leaflet: ["vendor", "leaflet", ":name"]
        case .reportMap: ["r", ":code", "map.json"]
        case .serviceSetupItem: ["services", "setup", ":id"]
        case .serviceSetupActive: ["services", "setup", ":id", "active"]
        case .unitMember: ["units", ":id", "assignments", ":assignment"]
        case .gridCard: ["units", ":id", "card"]
        case .agentCard: ["units", ":id", "assignments", ":assignment", "card"]
        case .unitCards: ["units", ":id", "cards"]
        case .buildingCards: ["units", ":id", "cards", "buildings"]
        case .gridQR: ["units", ":id", ":file"]
        case .socialLog: ["units", ":id", "log"]
        case .needs: ["units", ":id", "needs"]
        case .need: ["needs", ":id"]
        case .needResolve: ["needs", ":id", "resolve"]
        case .needToCase: ["needs", ":id", "case"]
        case .unitPatrols: ["units", ":id", "patrols"]
        case .patrol: ["patrols", ":id"]
        case .patrolPoints: ["patrols", ":id", "points"]
        case .patrolFindings: ["patrols", ":id", "findings"]
        case .patrolEnd: ["patrols", ":id", "end"]
        case .findingCase: ["patrols", ":id", "findings", ":finding", "case"]
        case .findingPhoto: ["patrols", ":id", "findings", ":finding", "photo"]
        case .example: ["examples", ":id"]
        case .examplePublish: ["examples", ":id", "publish"]
        case .visits: ["units", ":id", "visits"]
        case .householdVisit: ["households", ":id", "visit"]
        case .visit: ["visits", ":id"]
        case .visitPhoto: ["visits", ":id", "photos", ":file"]
        case .care: ["residents", ":id", "care"]
        case .careRead: ["residents", ":id", "care", "read"]
        case .dashboard(let id, _): id == nil ? ["dashboard"] : ["dashboard", ":id"]
        case .dashboardMap: ["dashboard", ":id", "map"]
        case .scoringWeightsTable: ["rankings", "weights", ":key"]
        case .departmentDashboard(let key, _, _): key == nil ? ["dashboard", "departments"] : ["dashboard", "departments", ":key"]
        case .monthlyReport: ["reports", ":id"]
        case .reportExport: ["reports", ":id", "export"]
        case .powers: ["units", ":id", "powers"]
        case .power: ["powers", ":id"]
        case .powerDelete: ["powers", ":id", "delete"]
        case .powerFlow: ["open", "powers", ":id", "flow.svg"]
        case .tasks: ["units", ":id", "tasks"]
        case .taskReview: ["tasks", ":id", "review"]
        case .decisions: ["units", ":id", "decisions"]
        case .decisionStep: ["decisions", ":id", "step"]
        case .notices: ["units", ":id", "notices"]
        case .portal: ["open", ":code"]
        case .portalFeed: ["open", ":code", ":file"]
        case .noticeAttachment: ["open", "notices", ":id", "attachment"]
        case .noticeReach: ["notices", ":id"]
        case .noticeSheet: ["notices", ":id", "sheet"]
        case .noticePosted: ["notices", ":id", "posted"]
        case .noticeRetry: ["notices", ":id", "retry"]
        case .publicNotice: ["open", "notices", ":id"]
        case .noticeOpen: ["n", ":code"]
        case .gridNotices: ["r", ":code", "notices"]
        case .casePowerTag: ["cases", ":id", "power"]
        case .syncConflict: ["sync", "conflicts", ":id"]
        case .stations: ["units", ":id", "stations"]
        case .station: ["stations", ":id"]
        case .party: ["units", ":id", "party"]
        case .partyOrgs: ["units", ":id", "party", "orgs"]
        case .partyMembers: ["units", ":id", "party", "members"]
        case .partyService: ["party-members", ":id", "service"]
        case .partyCentral: ["units", ":id", "party", "central"]
        case .partyCentralRemove: ["party-central", ":id", "remove"]
        case .council: ["units", ":id", "council"]
        case .councilMembers: ["units", ":id", "council", "members"]
        case .councilMemberRemove: ["council-members", ":id", "remove"]
        case .councilMeetings: ["units", ":id", "council", "meetings"]
        case .councilMeeting: ["council-meetings", ":id"]
        case .councilMinutes: ["council-meetings", ":id", "minutes"]
        case .proposalStep: ["proposals", ":id", "step"]
        case .portalCouncil: ["open", ":code", "council"]
        case .portalMeeting: ["open", "meetings", ":id"]
        case .portalMeetingRegister: ["open", "meetings", ":id", "register"]
        case .portalMeetingCheckIn: ["open", "meetings", ":id", "check-in"]
        case .portalProposal: ["open", "proposals", ":id"]
        case .portalProposalVote: ["open", "proposals", ":id", "vote"]
        case .marketOrder: ["market", "orders", ":id"]
        case .marketOrderAct: ["market", "orders", ":id", "act"]
        case .marketOrderPhone: ["market", "orders", ":id", "phone"]
        case .marketProviderAccount: ["market", "providers", ":id", "accounts"]
        case .residentMarket: ["r", ":code", "market"]
        case .marketTrack: ["m", ":code"]
        case .marketTrackRate: ["m", ":code", "rate"]
        case .volunteers: ["units", ":id", "volunteers"]
        case .volunteerTeams: ["units", ":id", "volunteers", "teams"]
        case .volunteerPeople: ["units", ":id", "volunteers", "people"]
        case .volunteerActivities: ["units", ":id", "volunteers", "activities"]
        case .volunteerActivity: ["volunteer-activities", ":id"]
        case .volunteerSignUp: ["volunteer-activities", ":id", "signups"]
        case .volunteerCheckIn: ["volunteer-activities", ":id", "check-in"]
        case .volunteerHours: ["volunteer-activities", ":id", "hours"]
        case .volunteerCorrect: ["volunteer-records", ":id", "correct"]
        case .volunteer: ["volunteers", ":id"]
        case .volunteerNotes: ["volunteers", ":id", "records"]
        case .volunteerRedeem: ["volunteers", ":id", "redeem"]
        case .volunteerCertify: ["volunteers", ":id", "certificates"]
        case .volunteerReveal: ["volunteers", ":id", "reveal"]
        case .certificate: ["certificates", ":id"]
        case .venues: ["units", ":id", "venues"]
        case .venueBookings: ["units", ":id", "venues", "bookings"]
        case .venueBookingCancel: ["venue-bookings", ":id", "cancel"]
        default: path.split(separator: "?")[0].split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        }
    }

    static func segment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s
    }

    static func query(_ items: KeyValuePairs<String, String?>) -> String {
        query(items.map { URLQueryItem(name: $0.key, value: $0.value) })
    }

    /// `?a=1&b=2` of the items that have a value; "" when none has.
    static func query(_ items: [URLQueryItem]) -> String {
        let present = items.filter { $0.value != nil }
        guard !present.isEmpty else { return "" }
        // Names and values of letters, digits and "-._~" (ids, days, keys: nearly every link a
        // dashboard writes, some 240 a page) need no encoding; anything else goes to URLComponents.
        if present.allSatisfy({ Self.unreserved($0.name) && Self.unreserved($0.value ?? "") }) {
            return "?" + present.map { $0.name + "=" + ($0.value ?? "") }.joined(separator: "&")
        }
        var c = URLComponents()
        c.queryItems = present
        return "?" + (c.percentEncodedQuery ?? "")
    }

    /// Whether `s` is made of RFC 3986's unreserved characters only, which no query encodes.
    static func unreserved(_ s: String) -> Bool {
        s.utf8.allSatisfy { b in
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }
}
