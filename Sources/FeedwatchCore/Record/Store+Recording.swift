/// The writes that store a sync's findings, each one transaction of the
/// backend's with `ChangeRecorder` deciding inside it.
extension Store {
    /// Compares one page of fetched posts with the stored versions and stores
    /// what changed, with the events that report it.
    ///
    /// - Parameter highWater: the collection's new high-water mark, moved
    ///   forward in the same transaction, so it never passes an uncommitted post.
    public func record(
        _ posts: [FetchedPost], type: String, site: SiteRecord, highWater: String? = nil
    ) async throws(StoreError) -> [PendingEvent] {
        try await writeChanges("storing posts of \(site.name)", completingSync: false) { transaction in
            try ChangeRecorder(transaction, site: site).record(posts, type: type, highWater: highWater)
        }
    }

    /// Records posts that a direct request showed gone (404/410: `deleted`)
    /// or refused (401/403: `unpublished`).
    public func recordDisappeared(
        _ ids: [Int], as state: PostState, type: String, site: SiteRecord
    ) async throws(StoreError) -> [PendingEvent] {
        guard !ids.isEmpty, state != .public else { return [] }
        return try await writeChanges("recording posts of \(site.name) gone from the site", completingSync: false) {
            try ChangeRecorder($0, site: site).recordDisappeared(ids, as: state, type: type)
        }
    }

    /// Records a complete sync: the first one stores the `baseline` event, one
    /// after a run of failures stores `site-recovered`.
    public func recordSuccess(of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        try await writeChanges("recording a successful sync of \(site.name)", completingSync: true) {
            try ChangeRecorder($0, site: site).recordSuccess()
        }
    }

    /// Records a failed sync; the third in a row stores `site-failing`, once.
    public func recordFailure(of site: SiteRecord, error: String) async throws(StoreError) -> [PendingEvent] {
        try await writeChanges("recording a failed sync of \(site.name)", completingSync: false) {
            try ChangeRecorder($0, site: site).recordFailure(error: error)
        }
    }
}
