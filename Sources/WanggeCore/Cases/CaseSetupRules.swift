import Foundation

/// The rules an edit of the category tree or the department list must keep (C2, C4). Pure: the
/// storage layer gathers what exists, asks here, and stores only what passes.
public enum CaseSetupRules {
    /// A limit longer than 30 days is no time limit at all (limits are counted in hours; complex cases get 72).
    public static let maxHours = 720.0
    public static let maxName = 50
    public static let maxSegment = 40

    /// One thing wrong with one field, in the localisation table's words (the storage layer
    /// turns it into its `FieldProblem`).
    public struct Problem: Error, Sendable, Equatable {
        public var field: String
        public var key: String
        public var args: [String] = []
    }

    /// Respond and resolve limits: numbers, more than 0 and at most 720 hours, responding no later than resolving.
    public static func limitProblems(respond: Double?, resolve: Double?) -> [Problem] {
        var problems: [Problem] = []
        for (field, value) in [("respond_hours", respond), ("resolve_hours", resolve)] {
            guard let value, value.isFinite else { problems.append(Problem(field: field, key: "case.setup.hours_number")); continue }
            if value <= 0 || value > maxHours { problems.append(Problem(field: field, key: "case.setup.hours_range", args: ["0", hours(maxHours)])) }
        }
        if problems.isEmpty, let respond, let resolve, respond > resolve {
            problems.append(Problem(field: "respond_hours", key: "case.setup.respond_after_resolve", args: [hours(respond), hours(resolve)]))
        }
        return problems
    }

    /// The 预警 threshold, in percent of a limit: a whole number from 50 to 95.
    public static let warnPercentRange = 50...95

    public static func warnPercentProblems(_ percent: Int) -> [Problem] {
        guard warnPercentRange.contains(percent) else {
            return [Problem(field: "warn_percent", key: "case.setup.warn_range", args: ["\(warnPercentRange.lowerBound)", "\(warnPercentRange.upperBound)"])]
        }
        return []
    }

    /// A Chinese name is required; an English one is optional. Both at most 50 characters.
    public static func nameProblems(zh: String, en: String) -> [Problem] {
        var problems: [Problem] = []
        if zh.isEmpty { problems.append(Problem(field: "name_zh", key: "field.required")) }
        for (field, value) in [("name_zh", zh), ("name_en", en)] where value.count > maxName {
            problems.append(Problem(field: field, key: "field.too_long", args: [String(maxName)]))
        }
        return problems
    }

    /// A key segment: lower-case letters, digits and underscores, starting with a letter.
    public static func isValidSegment(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first), s.count <= maxSegment else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The key of a new category: the parent's key, a dot and `segment` (the domain's rule that a
    /// child's key starts with its parent's), or, with no segment given, the next free `cN`.
    public static func categoryKey(parent: String?, segment: String, existing: Set<String>) -> Result<String, Problem> {
        let prefix = parent.map { $0 + "." } ?? ""
        guard !segment.isEmpty else { return .success(firstFree(prefix + "c", existing: existing)) }
        guard isValidSegment(segment) else { return .failure(Problem(field: "key", key: "case.setup.bad_key", args: [segment])) }
        let key = prefix + segment
        return existing.contains(key) ? .failure(Problem(field: "key", key: "case.setup.duplicate_key", args: [key])) : .success(key)
    }

    /// The key of a new department: as given, or the next free `dept_N`.
    public static func departmentKey(_ given: String, existing: Set<String>) -> Result<String, Problem> {
        key(given, stem: "dept_", existing: existing)
    }

    /// A key for a new row of reference data: `given` when it is well formed and free, the next free
    /// `{stem}N` when none is given.
    public static func key(_ given: String, stem: String, existing: Set<String>) -> Result<String, Problem> {
        guard !given.isEmpty else { return .success(firstFree(stem, existing: existing)) }
        guard isValidSegment(given) else { return .failure(Problem(field: "key", key: "case.setup.bad_key", args: [given])) }
        return existing.contains(given) ? .failure(Problem(field: "key", key: "case.setup.duplicate_key", args: [given])) : .success(given)
    }

    static func firstFree(_ stem: String, existing: Set<String>) -> String {
        var n = 1
        while existing.contains("\(stem)\(n)") { n += 1 }
        return "\(stem)\(n)"
    }

    /// Every category below `key`, from a map of each category to its parent.
    public static func descendants(of key: String, parents: [String: String?]) -> Set<String> {
        var children: [String: [String]] = [:]
        for (child, parent) in parents { if let parent { children[parent, default: []].append(child) } }
        var found: Set<String> = []
        var queue = children[key] ?? []
        while let next = queue.popLast() {
            if found.insert(next).inserted { queue += children[next] ?? [] }
        }
        return found
    }

    /// "0.5", "24": hours as an office writes them.
    public static func hours(_ h: Double) -> String {
        h == h.rounded() ? String(Int(h)) : String(format: "%g", h)
    }
}
