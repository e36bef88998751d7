/// What a cell of an import file means for a record that already exists (B6): a column the file
/// does not have leaves the field alone; an empty cell leaves it alone too unless the import runs
/// in "empty means clear" mode; a masked value (with `*`, as Wangge's own masked exports write
/// them) means "unchanged"; anything else is the new value.
public enum CellIntent: Equatable, Sendable {
    case keep
    case clear
    case set(String)
}

public enum ImportCells {
    public static func intent(present: Bool, raw: String, emptyClears: Bool) -> CellIntent {
        guard present else { return .keep }
        let value = raw.trimmingSpaces()
        if value.isEmpty { return emptyClears ? .clear : .keep }
        if isMasked(value) { return .keep }
        return .set(value)
    }

    /// A value as Wangge's masked exports write it: some characters replaced by `*`.
    public static func isMasked(_ value: String) -> Bool { value.utf8.contains(UInt8(ascii: "*")) }

    /// Whether `masked` is how `Mask.idNumber` shows `plain` (an exported ID sent back masked).
    public static func masksID(_ masked: String, _ plain: String) -> Bool {
        Mask.idNumber(plain).uppercased() == masked.trimmingSpaces().uppercased()
    }
}

/// How an import treats what the file leaves empty, and whether it writes at all.
public struct ImportOptions: Sendable, Equatable {
    /// An empty cell in a column the file has clears that field (otherwise it is left unchanged).
    public var emptyClears: Bool
    /// Check and count everything, write nothing.
    public var dryRun: Bool
    /// Whether whoever imports may see (and so set or remove) sensitive care tags; when not, those
    /// tags are kept as they are, as they were never in the file they exported.
    public var seesSensitiveTags: Bool
    /// Buildings outside every grid (or whose grid code contradicts their point) and households in
    /// no grid are taken as coverage gaps, listed, instead of refused (格不漏户).
    public var acceptGaps: Bool

    public init(emptyClears: Bool = false, dryRun: Bool = false, seesSensitiveTags: Bool = true, acceptGaps: Bool = false) {
        self.emptyClears = emptyClears
        self.dryRun = dryRun
        self.seesSensitiveTags = seesSensitiveTags
        self.acceptGaps = acceptGaps
    }
}
