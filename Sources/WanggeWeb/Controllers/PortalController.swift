import Fluent
import Vapor
import WanggeCore
import WanggeStore

/// The disclosure portal (阳光公开), public and without log-in: per district, street and community,
/// at /open/{unit code}, its power list with flow charts, the four lists, current notices, major
/// decisions with their votes, task admission counts and case statistics from the measures
/// registry; and the same as a JSON Feed and an Atom feed. A grid's code leads to its community.
/// Nothing here takes input but the code in the path, and nothing personal is read: texts typed by
/// staff pass `PublicText.scrub` before they are shown.
enum PortalController {
    static func register(_ app: Application) {
        app.get(SiteURL.portal("").pattern, use: portal)
        app.get(SiteURL.portalFeed("", format: "").pattern, use: feed)
        app.get(SiteURL.powerFlow(UUID()).pattern, use: flow)
        app.get(SiteURL.noticeAttachment(UUID()).pattern, use: attachment)
    }

    /// Attachment types sent with their own type; anything else is plain bytes.
    static let inlineTypes: Set<String> = ["pdf", "png", "jpg", "jpeg", "csv", "txt"]

    /// Days of case statistics shown.
    static let statisticsDays = 30

    /// The unit a code names, or for a grid (and below) its community; retired units are gone.
    static func unit(_ req: Request) async throws -> (UnitRow, moved: Bool) {
        guard let code = req.parameters.get("code"), code.count <= 32,
            var unit = try await UnitRepository(req.db).find(code: code, in: .everything), !unit.isRetired
        else { throw StoreError.notFound("unit") }
        var moved = false
        while unit.level > .community, let parent = unit.parentID, let up = try await UnitRepository(req.db).find(parent, in: .everything) {
            unit = up
            moved = true
        }
        return (unit, moved)
    }

    static func model(_ req: Request, _ unit: UnitRow) async throws -> PortalPages.Model {
        let units = UnitRepository(req.db)
        let powers = PowerListRepository(req.db)
        let lists = FourListRepository(req.db)
        let today = SimpleDate(req.now)
        let from = SimpleDate(req.now.addingTimeInterval(Double(-(statisticsDays - 1)) * 86_400))
        guard let period = MeasurePeriod(from: from, to: today) else { throw StoreError.notFound("unit") }
        let totals = try await MeasureRepository(req.db, tallies: req.application.tallyCache).totals(unit.id, period)
        var parent: UnitRow?
        if let id = unit.parentID { parent = try await units.find(id, in: .everything) }
        return PortalPages.Model(
            unit: unit, parent: parent, children: unit.level < .community ? try await units.children(of: unit.id, in: .everything) : [],
            powers: try await powers.items(of: unit.id, in: .everything), catalogue: try await powers.catalogue(above: unit),
            lists: unit.level == .community ? try await lists.items(of: unit.id, in: .everything) : [],
            counts: try await lists.counts(under: unit.id, in: .everything),
            decisions: unit.level == .community ? try await DecisionRepository(req.db).decisions(of: unit.id, in: .everything) : [],
            notices: try await NoticeRepository(req.db).current(for: unit, on: today.description), reported: totals[.reported],
            stats: [Measures.closing, Measures.onTimeClosing, Measures.satisfaction].map { $0.value(from: totals) }, days: statisticsDays,
            stations: try await StationRepository(req.db).stations(under: unit))
    }

    /// The service market's last six months under the unit, newest first (public: counts and rates only).
    static func marketMonths(_ req: Request, _ unit: UnitRow) async throws -> [MarketFigures] {
        let repo = MarketRepository(req.db, cipher: req.keys.cipher)
        var month = MeasureMonth(SimpleDate(req.now))
        var rows: [MarketFigures] = []
        for _ in 0..<6 {
            rows.append(try await repo.totals(from: month.first.startOfDayInChina, to: month.next.first.startOfDayInChina, name: month.description, in: .subtree(of: unit)))
            month = month.previous
        }
        return rows
    }

    static func portal(req: Request) async throws -> Response {
        let (unit, moved) = try await unit(req)
        if moved { return req.redirect(to: SiteURL.portal(unit.code).path) }
        let page = HTML([PortalPages.page(try await model(req, unit)), MarketPages.portalMonths(try await marketMonths(req, unit))])
        let res = Layout.response(req, page, title: L10n.t("portal.title", unit.name))
        // The same for everyone: a proxy may keep it a few minutes.
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }

    static func feed(req: Request) async throws -> Response {
        let (unit, _) = try await unit(req)
        let file = req.parameters.get("file") ?? ""
        let m = try await model(req, unit)
        let base = ContactCardController.publicBase(req)
        switch file {
        case "feed.json":
            let res = Response(status: .ok, body: .init(data: try PortalFeed.json(m, base: base)))
            res.headers.contentType = HTTPMediaType(type: "application", subType: "feed+json", parameters: ["charset": "utf-8"])
            return res
        case "feed.atom":
            let res = Response(status: .ok, body: .init(string: PortalFeed.atom(m, base: base, now: req.now)))
            res.headers.contentType = HTTPMediaType(type: "application", subType: "atom+xml", parameters: ["charset": "utf-8"])
            return res
        default:
            throw StoreError.notFound("feed")
        }
    }

    static func flow(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("power_item") }
        let item = try await PowerListRepository(req.db).get(id, in: .everything)
        let svg = FlowChartSVG.svg(title: L10n.t("power.flow_chart", item.title), steps: item.steps)
        let res = Response(status: .ok, body: .init(string: #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + svg.raw))
        res.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml", parameters: ["charset": "utf-8"])
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }

    static func attachment(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self),
            let a = try await NoticeRepository(req.db).attachment(of: id, on: SimpleDate(req.now).description)
        else { throw StoreError.notFound("notice") }
        let res = Response(status: .ok, body: .init(data: a.data))
        // Served as a download, never rendered in the site's origin (an uploaded HTML file stays inert).
        let ext = URL(fileURLWithPath: a.name).pathExtension.lowercased()
        res.headers.contentType = Self.inlineTypes.contains(ext) ? (HTTPMediaType.fileExtension(ext) ?? .binary) : .binary
        let encoded = a.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(encoded)")
        return res
    }
}
