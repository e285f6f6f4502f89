import GRDB

extension Store {
    /// After this many failed syncs in a row a site is reported as failing.
    public static let failingThreshold = 3

    /// How a sync ended, as stored.
    private enum Outcome: Sendable {
        case success
        case failure(String)
    }

    /// Records a complete sync: the first one stores the `baseline` event, one
    /// after a run of failures stores `site-recovered`.
    public func recordSuccess(of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        try await record(.success, of: site)
    }

    /// Records a failed sync; the third in a row stores `site-failing`, once.
    public func recordFailure(of site: SiteRecord, error: String) async throws(StoreError) -> [PendingEvent] {
        try await record(.failure(error), of: site)
    }

    /// Committed with the other writes waiting for the writer (`WriteBatches`):
    /// the scheduler starts the syncs due within a tick together, so quiet
    /// syncs end together, and each records its outcome in a fraction of a
    /// transaction.
    private func record(_ outcome: Outcome, of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        let time = Timestamp.now()
        let operation = switch outcome {
        case .success: "recording a successful sync of \(site.name)"
        case .failure: "recording a failed sync of \(site.name)"
        }
        let events = try await batchedWrite(operation) { db in try Self.store(outcome, of: site, at: time, in: db) }
        if case .success = outcome { clearWriteFailure() }
        return events
    }

    private static func store(
        _ outcome: Outcome, of site: SiteRecord, at now: String, in db: Database
    ) throws -> [PendingEvent] {
        switch outcome {
        case .success: try storeSuccess(of: site, at: now, in: db)
        case .failure(let error): try storeFailure(of: site, error: error, at: now, in: db)
        }
    }

    private static func storeSuccess(of site: SiteRecord, at now: String, in db: Database) throws -> [PendingEvent] {
        guard let current = try Self.site(named: site.name, in: db) else { return [] }
        var events: [PendingEvent] = []
        if !current.baselined {
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM post WHERE site_id = ?"),
                                         arguments: [site.id]) ?? 0
            var event = ChangeEvent(kind: .baseline, site: site.name, siteURL: site.url)
            event.postCount = count
            events.append(try enqueue(event, siteID: site.id, at: now, in: db))
        }
        if current.failuresInRow >= failingThreshold {
            events.append(try enqueue(ChangeEvent(kind: .siteRecovered, site: site.name, siteURL: site.url),
                                      siteID: site.id, at: now, in: db))
        }
        try db.run("""
            UPDATE site SET baselined_at = coalesce(baselined_at, ?), last_attempt_at = ?, last_success_at = ?,
                last_error = NULL, failures_in_row = 0 WHERE id = ?
            """, [now, now, now, site.id])
        return events
    }

    private static func storeFailure(of site: SiteRecord, error: String, at now: String, in db: Database) throws -> [PendingEvent] {
        try db.run("""
            UPDATE site SET last_attempt_at = ?, last_error = ?, failures_in_row = failures_in_row + 1 WHERE id = ?
            """, [now, error, site.id])
        guard let current = try Self.site(named: site.name, in: db), current.failuresInRow == failingThreshold else {
            return []
        }
        var event = ChangeEvent(kind: .siteFailing, site: site.name, siteURL: site.url)
        event.error = error
        return [try enqueue(event, siteID: site.id, at: now, in: db)]
    }
}
