import Foundation
import Vapor

/// The time as the application sees it. Production reads the system clock; tests move a clock
/// of their own to walk through lock-outs, idle timeouts and TOTP steps without waiting.
struct WanggeClock: Sendable {
    let now: @Sendable () -> Date
    static let system = WanggeClock { Date() }
}

/// The log-in and session rules (GB/T 22239-2019 level 3), from the environment with safe defaults.
struct SecurityPolicy: Sendable {
    var maxFailures = 5
    var lockout: TimeInterval = 15 * 60
    var idleTimeout: TimeInterval = 30 * 60
    var absoluteTimeout: TimeInterval = 12 * 3600
    /// Days a password lives; 0 turns expiry off. WANGGE_PASSWORD_MAX_DAYS.
    var passwordMaxDays = 90
    /// Log-in attempts allowed per client address per window.
    var loginAttemptsPerIP = 20
    var loginWindow: TimeInterval = 5 * 60
    /// Whether a proxy in front (nginx) is trusted for the client's address and the scheme and host
    /// it was reached at (`X-Forwarded-*`). WANGGE_TRUST_PROXY=1; read once, not per request.
    var trustProxy = false

    init(environment env: [String: String]) {
        trustProxy = env["WANGGE_TRUST_PROXY"] == "1"
        if let days = env["WANGGE_PASSWORD_MAX_DAYS"].flatMap(Int.init), days >= 0 { passwordMaxDays = days }
        if let n = env["WANGGE_LOGIN_ATTEMPTS_PER_IP"].flatMap(Int.init), n > 0 { loginAttemptsPerIP = n }
    }

    func passwordExpired(changedAt: Date?, now: Date) -> Bool {
        guard passwordMaxDays > 0, let changedAt else { return false }
        return now.timeIntervalSince(changedAt) > Double(passwordMaxDays) * 86400
    }
}

struct ClockKey: StorageKey { typealias Value = WanggeClock }
struct PolicyKey: StorageKey { typealias Value = SecurityPolicy }

extension Application {
    var clock: WanggeClock {
        get { storage[ClockKey.self] ?? .system }
        set { storage[ClockKey.self] = newValue }
    }

    var policy: SecurityPolicy {
        get { storage[PolicyKey.self] ?? SecurityPolicy(environment: [:]) }
        set { storage[PolicyKey.self] = newValue }
    }
}

extension Request {
    var now: Date { application.clock.now() }
    var policy: SecurityPolicy { application.policy }
}
