import Foundation
import Vapor
import WanggeCore

/// The period a dashboard or the measures API is asked for, as given in the query: a month
/// (`month=2026-10`), or a range of days (`from=2026-10-01&to=2026-10-15`); the current month
/// when neither is given.
struct MeasureQuery: Sendable, Equatable, Hashable {
    var month: String?
    var from: String?
    var to: String?

    init(month: String? = nil, from: String? = nil, to: String? = nil) {
        (self.month, self.from, self.to) = (month?.trimmedOrNil, from?.trimmedOrNil, to?.trimmedOrNil)
    }

    init(_ req: Request) {
        self.init(month: req.query[String.self, at: "month"], from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"])
    }

    init(_ period: MeasurePeriod) {
        if let m = period.month { self.init(month: m.description) } else { self.init(from: period.from.description, to: period.to.description) }
    }

    var items: [URLQueryItem] {
        [("month", month), ("from", from), ("to", to)].compactMap { k, v in v.map { URLQueryItem(name: k, value: $0) } }
    }

    /// The unit asked for (`unit=`), nil when none is (the viewer's own); anything but a UUID is a
    /// `BadParameter`, never silently the viewer's own unit.
    static func unit(_ req: Request) throws -> UUID? {
        guard let raw = req.query[String.self, at: "unit"]?.trimmedOrNil else { return nil }
        guard let id = UUID(uuidString: raw) else { throw BadParameter("unit", expected: "UUID") }
        return id
    }

    /// The period, or a `BadParameter` naming the field that cannot be read.
    func period(today: SimpleDate) throws -> MeasurePeriod {
        if from != nil || to != nil {
            guard let f = from.flatMap(SimpleDate.init(iso:)) else { throw BadParameter("from", expected: "YYYY-MM-DD") }
            guard let t = to.flatMap(SimpleDate.init(iso:)) else { throw BadParameter("to", expected: "YYYY-MM-DD") }
            guard let p = MeasurePeriod(from: f, to: t), p.days <= MeasurePeriod.maxDays else {
                throw BadParameter("to", expected: L10n.t("measures.bad_period", MeasurePeriod.maxDays))
            }
            return p
        }
        if let month {
            guard let m = MeasureMonth(month) else { throw BadParameter("month", expected: "YYYY-MM") }
            return m.period
        }
        return MeasureMonth(today).period
    }
}
