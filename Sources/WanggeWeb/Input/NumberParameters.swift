import Vapor
import WanggeCore

/// A query or form parameter that the route cannot accept: a 400 that names the parameter, so a
/// client knows what to fix. Raised before the value is used in any arithmetic.
struct BadParameter: AbortError {
    let field: String
    let reason: String
    var status: HTTPResponseStatus { .badRequest }

    init(_ field: String, range: ClosedRange<Int>) {
        self.field = field
        reason = L10n.t("param.bad_integer", field, range.lowerBound, range.upperBound)
    }

    init(_ field: String, expected: String) {
        self.field = field
        reason = L10n.t("param.bad_value", field, expected)
    }
}

/// The largest page number any paged list accepts: far beyond any real list, small enough that
/// `(page - 1) * size` can never overflow.
enum Paging {
    static let maxPage = 100_000
    static let maxOffset = 10_000_000
}

extension Request {
    /// A whole-number query parameter within `range`; `value` when it is absent or empty. Text that
    /// is not a plain decimal integer in range (`1e9`, `NaN`, `-1`, 20 digits) is a `BadParameter`.
    func queryInteger(_ name: String, in range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let raw = query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return value }
        return try Self.integer(raw, name: name, in: range)
    }

    /// A UUID query parameter (`after=` of a keyset page), nil when absent or empty; anything else
    /// that is not a UUID is a `BadParameter`, not silently the first page.
    func queryUUID(_ name: String) throws -> UUID? {
        guard let raw = query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else { throw BadParameter(name, expected: "UUID") }
        return id
    }

    /// The `page` query parameter of a paged list: 1 … `Paging.maxPage`, 1 when absent.
    func pageNumber() throws -> Int { try queryInteger("page", in: 1...Paging.maxPage, default: 1) }

    static func integer(_ raw: String, name: String, in range: ClosedRange<Int>) throws -> Int {
        let digits = raw.hasPrefix("-") ? raw.dropFirst() : Substring(raw)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let n = Int(raw), range.contains(n)
        else { throw BadParameter(name, range: range) }
        return n
    }
}
