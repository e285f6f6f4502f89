#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One site's health as the database has it: what `feedwatch status` shows,
/// and where the scheduler resumes after a restart.
public struct SiteStatus: Sendable, Equatable, Codable {
    public var name: String
    public var url: String
    /// Posts stored and not deleted.
    public var postsTracked: Int
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var lastError: String?
    public var failuresInRow: Int
    /// On a database daemons share: the daemon that synced the site last,
    /// and when the site is next due for all of them.
    public var node: String? = nil
    public var nextDue: Date? = nil

    /// When the site is next due: its interval after its last sync, or the
    /// shortest backoff after failures; `nil` when it was never synced.
    public func nextPoll(interval: Duration) -> Date? {
        if let nextDue { return nextDue }
        guard let lastAttempt else { return nil }
        let wait = failuresInRow == 0
            ? interval : Backoff.delay(failures: failuresInRow, interval: interval, retryAfter: nil, jitter: 0)
        return lastAttempt.addingTimeInterval(Double(wait.components.seconds))
    }
}
