/// How many sites are synced at once when `defaults.concurrency` does not say:
/// enough to keep every enabled site within its interval when each sync waits
/// on the network for a while.
///
/// By Little's law, syncs under way = the rate at which sites fall due × how
/// long a sync takes. A quiet sync is one or two requests; over https at 300 ms
/// of round trip, with the TLS handshake, that is about 1.5 s (`assumedSyncTime`),
/// and the figure is doubled for headroom (slow sites, failures, a backlog after
/// a pause). 100,000 sites at 5 minutes fall due at 333 a second: 1,000 at once.
public enum SyncConcurrency {
    /// At least this many, so that a few slow sites never hold up the rest.
    public static let minimum = 16
    /// At most this many (and the largest `defaults.concurrency` accepted): each
    /// sync under way holds a connection and its response in memory.
    public static let maximum = 1024
    static let assumedSyncTime = 1.5
    static let headroom = 2.0

    /// The number for `sites` (the disabled ones do not count), never above `limit`.
    public static func automatic(for sites: [SiteConfiguration], limit: Int? = nil) -> Int {
        let syncsPerSecond = sites.reduce(0.0) { total, site in
            guard site.enabled else { return total }
            return total + 1 / max(site.interval / .seconds(1), 1)
        }
        let needed = (syncsPerSecond * assumedSyncTime * headroom).rounded()
        let chosen = needed < Double(maximum) ? max(minimum, Int(needed)) : maximum
        return min(chosen, limit ?? maximum)
    }
}
