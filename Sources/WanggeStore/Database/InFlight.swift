/// One computation per key at a time: a caller asking for a key whose value is being computed waits
/// for that computation instead of starting its own. At 9 am a dozen leaders open the same month's
/// ranking; its heaviest read (every case of the district's month and their timelines) then runs
/// once, not a dozen times side by side on SQLite's two connections while every other request
/// waits for one of them. Nothing is kept after the computation ends, so no instance answers from
/// anything another instance could not see: each value is as fresh as a read made now.
public actor InFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var running: [Key: Task<Value, any Error>] = [:]
    /// Callers that waited for a computation another had started (for tests and logs).
    public private(set) var joined = 0

    public init() {}

    /// The value for `key`: the running computation's, or `make`'s, started now. An error reaches
    /// every caller that waited on it; the next call starts afresh.
    public func value(for key: Key, _ make: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] {
            joined += 1
            return try await task.value
        }
        let task = Task { try await make() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }

    /// Keys being computed now (for tests).
    public var count: Int { running.count }
}
