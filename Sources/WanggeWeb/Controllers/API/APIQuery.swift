import Vapor

extension Request {
    /// The `limit` and `page` of a paged API list as a window (`page` 1 … `Paging.maxPage`, so a huge
    /// page number is refused, not multiplied into an overflow).
    func pageWindow(default value: Int, max: Int = 200) throws -> (limit: Int, offset: Int) {
        let limit = try queryInteger("limit", in: 1...max, default: value)
        return (limit, (try pageNumber() - 1) * limit)
    }

    /// A query parameter naming one value of `E` (a state filter), nil when absent; anything else is
    /// a `BadParameter` naming it and the values it takes.
    func queryValue<E: RawRepresentable & CaseIterable>(_ name: String, as: E.Type) throws -> E? where E.RawValue == String {
        guard let raw = query[String.self, at: name], !raw.isEmpty else { return nil }
        guard let value = E(rawValue: raw) else { throw BadParameter(name, expected: E.allCases.map(\.rawValue).joined(separator: ", ")) }
        return value
    }
}
