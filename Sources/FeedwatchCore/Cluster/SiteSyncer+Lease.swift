extension SiteSyncer {
    /// A sync asked for outside the scheduler's turns (`feedwatch poll` with
    /// no daemon of its own, a site the daemon does not schedule). On a
    /// database daemons share it runs under the site's lease, so never beside
    /// another daemon's sync of the site, waiting up to a lease's length for
    /// one running elsewhere; the site is next due an interval after it.
    public func syncRequested(full: Bool) async -> SyncResult {
        guard let sharing = store.sharing else { return await sync(full: full) }
        let deadline = ContinuousClock.now + sharing.lease
        while !Task.isCancelled {
            do {
                if try await sharing.acquire(site: site.name, url: site.url, requested: true) == .taken {
                    let result = await sync(full: full)
                    try? await sharing.release(site: site.name, nextDue: site.interval)
                    return result
                }
            } catch {
                return SyncResult(error: error.description, storeFailed: true)
            }
            guard ContinuousClock.now < deadline else { break }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return SyncResult(error: """
            another daemon sharing the database was still syncing it after \(DurationText.format(sharing.lease)); \
            try again later (feedwatch status names the node that synced it last)
            """)
    }
}
