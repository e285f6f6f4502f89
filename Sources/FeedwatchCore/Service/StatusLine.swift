/// The line `systemctl status` shows (`STATUS=`), e.g.
/// `42 sites, 1 failing, 3 syncing, 5 changes in the last hour`, then
/// `; node web-1 synced 14 of them last` when daemons share the sites, and
/// `; journal unavailable, 12 events waiting` or `; database: disk full`
/// after it while those last.
public struct StatusLine: Sendable {
    public var summary: SchedulerSummary
    public var changesInLastHour: Int
    /// Events waiting for the journal, while it is away.
    public var journalBacklog: Int?
    /// Why the database's last write failed, until one succeeds.
    public var database: StoreError?

    public init(_ summary: SchedulerSummary, changesInLastHour: Int = 0, journalBacklog: Int? = nil, database: StoreError? = nil) {
        self.summary = summary
        self.changesInLastHour = changesInLastHour
        self.journalBacklog = journalBacklog
        self.database = database
    }

    public var text: String {
        let changes = changesInLastHour
        var line = "\(summary.sites) \(summary.sites == 1 ? "site" : "sites"), \(summary.failing) failing, "
            + "\(summary.syncing) syncing, \(changes) \(changes == 1 ? "change" : "changes") in the last hour"
        if let share = summary.share { line += "; node \(share.node) synced \(share.sites) of them last" }
        if let waiting = journalBacklog {
            line += "; journal unavailable, \(waiting) \(waiting == 1 ? "event" : "events") waiting"
        }
        if let database { line += "; database: \(database.summary)" }
        return line
    }
}
