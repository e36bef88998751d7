import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The monthly report (A3): `/reports/{unit}?month=YYYY-MM`, a printable page of one unit's month
/// built from the same roll-ups and registry as the dashboard (so its numbers are the dashboard's),
/// marked 未冻结 while the month is not yet frozen; and `/reports/{unit}/export` that downloads
/// the tables of the report or of the dashboard as CSV (UTF-8 with BOM) or XLSX. Outside scope: 404.
enum ReportController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(SiteURL.monthlyReport(UUID()).pattern, use: show)
        pages.get(SiteURL.reportExport(UUID(), format: "xlsx").pattern, use: export)
    }

    /// What one report shows: the dashboard's figures for the month, and the cases overdue at its end.
    struct Model {
        var dashboard: DashboardController.Model
        var month: MeasureMonth
        /// The moment the overdue list is taken at: the month's end, or now for the current month.
        var end: Date
        var frozen: MeasureMonths.Frozen?
        var generatedAt: Date
        /// The cases overdue at the end of the month (the first `overdueLimit`), and how many in all.
        var overdue: [CaseRow]
        var overdueTotal: Int
        var categoryNames: [String: String]
        /// The KPI map of the unit's child units for the month (按期结案率 unless `measure` names another).
        var map: KPIMapController.Model? = nil
    }

    /// The most cases the overdue list of a report holds (the total is always given).
    static let overdueLimit = 500

    /// The month asked for; the last month by default (the one a monthly meeting looks back on).
    static func month(_ req: Request) throws -> MeasureMonth {
        guard let raw = req.query[String.self, at: "month"]?.trimmedOrNil else { return MeasureMonth(SimpleDate(req.now)).previous }
        guard let m = MeasureMonth(raw) else { throw BadParameter("month", expected: "YYYY-MM") }
        return m
    }

    static func unitID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("unit") }
        return id
    }

    static func model(_ req: Request, _ v: Viewer, unit id: UUID, month: MeasureMonth) async throws -> Model {
        let repo = CaseController.repo(req)
        let categories = try await repo.categories()
        let dashboard = try await DashboardController.query(
            on: req.db, unit: id, period: month.period, scope: v.scope, categories: categories, now: req.now, tallies: req.application.tallyCache)
        let end = min(month.next.first.startOfDayInChina, req.now)
        let overdue = try await repo.overdue(at: end, unit: dashboard.unit, in: v.scope, limit: overdueLimit)
        // The same map as the KPI map page (same roll-ups, same classes), drawn as SVG to print.
        var map: KPIMapController.Model?
        if !dashboard.children.isEmpty {
            map = try await KPIMapController.query(
                on: req.db, unit: id, measure: try KPIMapController.measure(req), period: month.period, scope: v.scope, now: req.now,
                tallies: req.application.tallyCache)
        }
        return Model(
            dashboard: dashboard, month: month, end: end, frozen: dashboard.frozen.first { $0.month == month.description }, generatedAt: req.now,
            overdue: overdue.rows, overdueTotal: overdue.total, categoryNames: Dictionary(categories.map { ($0.key, $0.nameZh) }) { a, _ in a }, map: map)
    }

    static func show(req: Request) async throws -> Response {
        let v = try req.requireMeasureReader()
        let m = try await model(req, v, unit: try unitID(req), month: try month(req))
        return Layout.response(req, ReportPages.page(m), title: L10n.t("report.page_title", m.dashboard.unit.name, m.month.description))
    }

    /// `?format=csv|xlsx&table=…&of=report|dashboard` with the dashboard's `month` or `from`/`to`.
    /// CSV is one table (`table`, the measures by default); XLSX is every table, one sheet each,
    /// or only `table`. The report's tables end with the cases overdue at the period's end, the
    /// dashboard's with the cases overdue and near their limit now.
    static func export(req: Request) async throws -> Response {
        let v = try req.requireMeasureReader()
        let id = try unitID(req)
        let format = req.query[String.self, at: "format"]?.trimmedOrNil ?? "xlsx"
        guard format == "csv" || format == "xlsx" else { throw BadParameter("format", expected: "csv, xlsx") }
        let of = req.query[String.self, at: "of"]?.trimmedOrNil ?? "report"
        guard of == "report" || of == "dashboard" else { throw BadParameter("of", expected: "report, dashboard") }
        let period = try MeasureQuery(req).period(today: SimpleDate(req.now))
        let repo = CaseController.repo(req)
        let categories = try await repo.categories()
        let dashboard = try await DashboardController.query(
            on: req.db, unit: id, period: period, scope: v.scope, categories: categories, now: req.now, tallies: req.application.tallyCache)
        let names = Dictionary(categories.map { ($0.key, $0.nameZh) }) { a, _ in a }
        var tables = ReportTables.figures(dashboard)
        if of == "report" {
            let end = min(period.to.adding(days: 1).startOfDayInChina, req.now)
            let overdue = try await repo.overdue(at: end, unit: dashboard.unit, in: v.scope, limit: overdueLimit)
            tables.append(ReportTables.cases(.overdueAtEnd, overdue.rows, names: names, at: end))
        } else {
            for queue in [CaseQueue.overdue, .warning] {
                let list = try await repo.cards(queue, unit: dashboard.unit, in: v.scope, now: req.now, limit: overdueLimit)
                tables.append(ReportTables.cases(queue == .overdue ? .overdueNow : .warningNow, list.rows, names: names, at: req.now))
            }
        }
        if let wanted = req.query[String.self, at: "table"]?.trimmedOrNil {
            guard let table = ReportTables.ID(rawValue: wanted), let one = tables.first(where: { $0.name == table.title }) else {
                throw BadParameter("table", expected: ReportTables.ID.allCases.map(\.rawValue).joined(separator: ", "))
            }
            tables = [one]
        } else if format == "csv" {
            tables = Array(tables.prefix(1))
        }
        let base = "\(of)-\(dashboard.unit.code)-\(MeasureQuery(period).month ?? "\(period.from)_\(period.to)")"
        let body: Data, type: String, name: String
        if format == "csv" {
            let table = tables[0]
            let id = ReportTables.ID.allCases.first { $0.title == table.name }?.rawValue ?? "table"
            (body, type, name) = (table.csv, "text/csv; charset=utf-8", "\(base)-\(id).csv")
        } else {
            (body, type, name) = (try XLSXWriter.workbook(tables), XLSXWriter.mimeType, "\(base).xlsx")
        }
        let shown = "\(dashboard.unit.name)-\(name)"
        let encoded = shown.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        let headers: HTTPHeaders = [
            "Content-Type": type, "Content-Disposition": "attachment; filename=\"\(name)\"; filename*=UTF-8''\(encoded)", "Cache-Control": "private, no-store",
        ]
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }
}
