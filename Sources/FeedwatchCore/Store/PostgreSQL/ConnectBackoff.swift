/// How soon a pool connects again after connecting failed: at once the first
/// time, then after 0.25 s, doubling up to 8 s, so that a server that is down
/// or restarting is not hammered by every caller of every daemon at once.
/// Meanwhile callers fail at once with the last failure.
struct ConnectBackoff {
    private var failures = 0
    private var retryAt: ContinuousClock.Instant?
    private var lastFailure: PostgresError?

    static let first = Duration.milliseconds(250)
    static let longest = Duration.seconds(8)

    /// The failure to give instead of connecting, while it is too soon.
    func refusal(at now: ContinuousClock.Instant) -> PostgresError? {
        guard let retryAt, now < retryAt, let lastFailure else { return nil }
        let wait = Int((retryAt - now).inSeconds.rounded(.up))
        return PostgresError("\(lastFailure.message) (connecting again within \(wait)s)",
                             sqlState: lastFailure.sqlState, connectionLost: true)
    }

    mutating func failed(_ error: PostgresError, at now: ContinuousClock.Instant) {
        failures += 1
        retryAt = now + min(Self.first * (1 << min(failures - 1, 5)), Self.longest)
        lastFailure = error
    }

    mutating func connected() {
        self = ConnectBackoff()
    }
}
