import Foundation

/// A one-line progress bar on standard error for long commands (loading a district, importing
/// a million rows): fraction, counts, rate and time left, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let title: String
    private let start = Date()
    private var last = Date.distantPast
    private let lock = NSLock()
    private let isTTY = isatty(STDERR_FILENO) == 1

    init(_ title: String) { self.title = title }

    func update(_ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(last) > (isTTY ? 0.1 : 5) else { return }
        last = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "%@ %@ %3.0f%% %d/%d  %.1fs, ~%.0fs left", title, bar, fraction * 100, done, total, elapsed, eta)
        FileHandle.standardError.write(Data(((isTTY ? "\r" : "") + line + (isTTY && done < total ? "" : "\n")).utf8))
    }
}
