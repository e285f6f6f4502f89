/// A `feedwatch poll` asking the daemon that holds the database to sync sites
/// now: a row of `poll_request`, taken by the daemon, then answered.
public struct PollRequest: Sendable, Equatable {
    public var id: Int64
    /// Site names; empty for every enabled site.
    public var sites: [String]
    public var full: Bool

    /// Where a request stands, as its asker sees it.
    public enum State: Sendable, Equatable {
        case waiting
        case taken
        case answered([SiteOutcome])
        /// The row is gone: answered and cleared, or never there.
        case gone
    }
}
