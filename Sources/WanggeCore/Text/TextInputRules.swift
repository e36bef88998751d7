/// What any text a person sends may hold, in one place: no control characters (a NUL byte would be
/// stored and then silently cut off on display; bidirectional overrides make a name read backwards)
/// and no more characters than its field allows. Every field a route reads passes this, whatever
/// the route; fields with rules of their own (an ID number's format) are checked again there.
public enum TextInputRules {
    /// Characters a field may hold unless it has its own limit below.
    public static let defaultMaximum = 2000

    /// Fields with a limit of their own, by the name they have in forms, JSON and query strings.
    public static let maximums: [String: Int] = [
        "name": 50, "display_name": 50, "username": 64, "password": 200, "current": 200, "new": 200, "confirm": 200,
        "id_number": 40, "idNumber": 40, "document_number": 40, "documentNumber": 40, "phone": 40, "relation": 20,
        "household_number": 40, "householdNumber": 40, "code": 64, "q": 100, "reason": 500, "note": 2000,
        "description": 4000, "content": 4000,
        // A photo sent inline in JSON (base64): bounded by the JSON body's own limit, not as text.
        "data": 8_000_000,
    ]

    public enum Problem: Equatable, Sendable {
        case controlCharacter
        case tooLong(Int)
    }

    public static func maximum(for field: String) -> Int { maximums[field] ?? defaultMaximum }

    /// The first thing wrong with `value` as the content of `field`, or nil.
    public static func problem(_ value: String, field: String) -> Problem? {
        if value.unicodeScalars.contains(where: isRefused) { return .controlCharacter }
        let limit = maximum(for: field)
        // Count characters only when the bytes could exceed the limit (most values are short).
        if value.utf8.count > limit && value.count > limit { return .tooLong(limit) }
        return nil
    }

    /// C0 controls but tab, line feed and carriage return; DEL; C1 controls; bidirectional
    /// embeddings, overrides and isolates.
    public static func isRefused(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
