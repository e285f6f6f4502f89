import Locking

/// Keeps the event writer within what journald accepts from one unit by
/// default: 10,000 entries per 30 s (`RateLimitBurst=`, `RateLimitIntervalSec=`
/// in journald.conf; more where the disk has room). Past that journald drops
/// entries and says only "Suppressed N messages"; an alert must never be one
/// of them. A token bucket of `burst` entries refilled at `perSecond`:
/// 1,000 + 30 × 300 = 10,000 in any 30 s. The packaged unit lifts the limit
/// for feedwatch (`LogRateLimitIntervalSec=1us`); this covers every other way
/// of running it.
public final class JournalPacer: Sendable {
    private struct Bucket {
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
    }

    private let burst: Double
    private let perSecond: Double
    private let bucket: Locked<Bucket>

    public init(burst: Int = 1000, perSecond: Int = 300) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        bucket = Locked(Bucket(tokens: Double(burst), refilledAt: .now))
    }

    /// Takes a token for one entry: `nil` when it may be written now, else how
    /// long to wait first (the token is taken all the same).
    func take(now: ContinuousClock.Instant = .now) -> Duration? {
        bucket.withLock { bucket in
            if now > bucket.refilledAt {
                bucket.tokens = min(burst, bucket.tokens + (now - bucket.refilledAt).inSeconds * perSecond)
                bucket.refilledAt = now
            }
            bucket.tokens -= 1
            guard bucket.tokens < 0 else { return nil }
            return .nanoseconds(Int64(-bucket.tokens / perSecond * 1e9))
        }
    }
}
