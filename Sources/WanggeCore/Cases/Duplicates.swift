import Foundation

/// A case being entered, before it is saved.
public struct CaseDraft: Sendable, Hashable {
    public var categoryKey: String
    public var location: GeoPoint?
    public var text: String

    public init(categoryKey: String, location: GeoPoint?, text: String) {
        self.categoryKey = categoryKey
        self.location = location
        self.text = text
    }
}

/// What duplicate scoring needs to know of an existing case.
public struct CaseSummary: Sendable, Hashable {
    public var id: String
    public var categoryKey: String
    public var location: GeoPoint?
    public var reportedAt: Date
    public var text: String

    public init(id: String, categoryKey: String, location: GeoPoint?, reportedAt: Date, text: String) {
        self.id = id
        self.categoryKey = categoryKey
        self.location = location
        self.reportedAt = reportedAt
        self.text = text
    }
}

public struct DuplicateCandidate: Sendable, Hashable {
    public var id: String
    /// 0…1; see `DuplicateFinder` for how it is made.
    public var score: Double
    /// Metres, when both cases have a location.
    public var distance: Double?
}

/// Suggests existing cases a new report may duplicate (C6), for the operator to merge or not.
/// It only suggests: merging is always a person's decision.
///
/// The score is a weighted sum of four parts, each 0…1:
/// - category (0.35): the same category 1, a sibling under the same parent 0.5, else 0;
/// - distance (0.30): 1 within `nearMetres` (GPS noise), falling linearly to 0 at `farMetres`;
///   0 when either location is unknown: it says nothing, so text and category must carry the match;
/// - age (0.10): 1 within `freshHours`, falling linearly to 0 at `maxAgeHours`;
/// - text (0.25): Jaccard similarity of character bigrams (see `textSimilarity`).
///
/// Cases farther than `farMetres` or older than `maxAgeHours` are never suggested. A case is
/// suggested from `suggestThreshold` (0.5) and flagged as likely from `likelyThreshold` (0.75).
/// With those numbers a report of another category can still be suggested when it is in the
/// same spot, fresh and told alike (residents often pick the wrong category), while one of the
/// same category far away with other words is not, nor one of the same category and day whose
/// place is unknown and whose words differ.
public enum DuplicateFinder {
    public static let categoryWeight = 0.35
    public static let distanceWeight = 0.30
    public static let ageWeight = 0.10
    public static let textWeight = 0.25

    public static let nearMetres = 50.0
    public static let farMetres = 500.0
    public static let unknownDistanceScore = 0.0
    public static let freshHours = 2.0
    public static let maxAgeHours = 7 * 24.0

    public static let suggestThreshold = 0.5
    public static let likelyThreshold = 0.75

    /// Existing cases scoring at least `suggestThreshold`, best first (ties by id, so the order is stable).
    /// `parentOf` gives a category's parent key in the tree in use; the seed tree by default.
    public static func candidates(
        for draft: CaseDraft, among cases: [CaseSummary], now: Date,
        parentOf: (String) -> String? = CaseCategory.seedParent
    ) -> [DuplicateCandidate] {
        let draftBigrams = bigrams(draft.text)
        let draftParent = parentOf(draft.categoryKey)
        var found: [DuplicateCandidate] = []
        for c in cases {
            let ageHours = max(0, now.timeIntervalSince(c.reportedAt)) / 3600
            guard ageHours <= maxAgeHours else { continue }
            var distance: Double?
            if let a = draft.location, let b = c.location {
                let d = GeoArea.haversine(from: a, to: b)
                guard d <= farMetres else { continue }
                distance = d
            }
            let category: Double
            if c.categoryKey == draft.categoryKey { category = 1 } else if let p = draftParent, p == parentOf(c.categoryKey) { category = 0.5 } else { category = 0 }
            let near = distance.map { falling($0, full: nearMetres, zero: farMetres) } ?? unknownDistanceScore
            let fresh = falling(ageHours, full: freshHours, zero: maxAgeHours)
            let text = jaccard(draftBigrams, bigrams(c.text))
            let score = categoryWeight * category + distanceWeight * near + ageWeight * fresh + textWeight * text
            if score >= suggestThreshold {
                found.append(DuplicateCandidate(id: c.id, score: score, distance: distance))
            }
        }
        return found.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    /// Jaccard similarity of the two texts' character bigrams, 0…1. Chinese is not split into
    /// words, so pairs of characters stand in for them; punctuation and spaces are ignored and
    /// Latin letters are compared without case.
    public static func textSimilarity(_ a: String, _ b: String) -> Double {
        jaccard(bigrams(a), bigrams(b))
    }

    static func bigrams(_ text: String) -> Set<String> {
        let chars = text.lowercased().filter { $0.isLetter || $0.isNumber }.map(String.init)
        guard chars.count > 1 else { return Set(chars) }
        return Set(zip(chars, chars.dropFirst()).map { $0 + $1 })
    }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
    }

    /// 1 up to `full`, 0 from `zero`, a straight line between.
    static func falling(_ x: Double, full: Double, zero: Double) -> Double {
        if x <= full { return 1 }
        if x >= zero { return 0 }
        return (zero - x) / (zero - full)
    }
}
