import Logging

/// Syncs a set of sites once, a bounded number at a time, each under its
/// lease where daemons share the database: `feedwatch poll`.
public struct Poller: Sendable {
    private let syncers: [SiteSyncer]
    private let concurrency: Int

    public init(syncers: [SiteSyncer], concurrency: Int = SyncConcurrency.minimum) {
        self.syncers = syncers
        self.concurrency = max(1, concurrency)
    }

    /// - Parameter full: verify every collection of every site now.
    /// - Returns: each site's outcome, in the order of the syncers.
    public func poll(full: Bool = false) async -> [SiteOutcome] {
        await withTaskGroup(of: (Int, SiteOutcome).self) { group in
            var outcomes = [SiteOutcome?](repeating: nil, count: syncers.count)
            var next = syncers.enumerated().makeIterator()
            func start(_ entry: (offset: Int, element: SiteSyncer)?) {
                guard let (index, syncer) = entry else { return }
                group.addTask { (index, SiteOutcome(site: syncer.site.name, await syncer.syncRequested(full: full))) }
            }
            for _ in 0..<concurrency { start(next.next()) }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                start(next.next())
            }
            return outcomes.compactMap { $0 }
        }
    }

    /// - Returns: the name and error of every site that failed, by name.
    public func pollOnce(full: Bool = false) async -> [(site: String, error: String)] {
        await poll(full: full).compactMap { outcome in outcome.error.map { (outcome.site, $0) } }.sorted { $0.site < $1.site }
    }
}
