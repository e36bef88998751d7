/// How a case came in (C1).
public enum CaseChannel: String, Sendable, Codable, CaseIterable {
    case gridWorker = "grid_worker", qr, hotline, window, mailbox, open311
    public var nameKey: String { "case.channel.\(rawValue)" }
}
