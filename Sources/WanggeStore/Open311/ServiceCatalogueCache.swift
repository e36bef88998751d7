import FluentKit

/// The services Open311 posts may name, kept in memory and taken again whenever the catalogue's
/// stamp has moved (`CreateCatalogueStamp`: triggers move it with every change to categories or
/// departments). The caller reads the stamp in a statement it runs anyway (the API key's), so a post
/// costs no read of the catalogue; several instances each keep their own copy, all checked against
/// the one stamp in the database.
public actor ServiceCatalogueCache {
    private var cached: (stamp: Int64, offers: [String: Open311Repository.Offer])?

    public init() {}

    /// The offer for `code` as of `stamp` (or later). A copy taken at another stamp is replaced.
    public func offer(_ code: String, stamp: Int64, db: any Database) async throws -> Open311Repository.Offer? {
        if let cached, cached.stamp == stamp { return cached.offers[code] }
        let (read, offers) = try await Open311Repository(db).offers()
        // Kept under the stamp the read itself saw: a change between the caller's stamp and this read
        // makes the copy newer than asked, never older.
        if let read { cached = (read, offers) }
        return offers[code]
    }
}
