import GRDB

extension Store {
    /// After this many failed syncs in a row a site is reported as failing.
    public static let failingThreshold = 3

    /// Records a complete sync: the first one stores the `baseline` event, one
    /// after a run of failures stores `site-recovered`.
    public func recordSuccess(of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        try await record(.success, of: site)
    }

    /// Records a failed sync; the third in a row stores `site-failing`, once.
    public func recordFailure(of site: SiteRecord, error: String) async throws(StoreError) -> [PendingEvent] {
        try await record(.failure(error), of: site)
    }

    /// Queues the outcome with those of other syncs ending within
    /// `SyncOutcomes.window`, and returns once their transaction committed.
    private func record(_ outcome: SyncOutcomes.Outcome, of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        let time = Timestamp.now()
        let result = await withCheckedContinuation { completion in
            let first = outcomes.add(SyncOutcomes.Entry(site: site, outcome: outcome, time: time, completion: completion))
            if first { Task { await commitOutcomes() } }
        }
        return try result.get()
    }

    private func commitOutcomes() async {
        try? await Task.sleep(for: SyncOutcomes.window)
        let entries = outcomes.take()
        let batch = entries.map { ($0.site, $0.outcome, $0.time) }
        let operation = switch (entries.count, entries.first?.outcome) {
        case (1, .success?): "recording a successful sync of \(entries[0].site.name)"
        case (1, _): "recording a failed sync of \(entries[0].site.name)"
        default: "recording the outcomes of \(entries.count) syncs (\(entries.prefix(3).map(\.site.name).joined(separator: ", "))\(entries.count > 3 ? ", …" : ""))"
        }
        do {
            let events = try await write(operation) { db in
                try batch.map { site, outcome, time in try Self.store(outcome, of: site, at: time, in: db) }
            }
            if entries.contains(where: { if case .success = $0.outcome { true } else { false } }) { clearWriteFailure() }
            for (entry, events) in zip(entries, events) { entry.completion.resume(returning: .success(events)) }
        } catch {
            for entry in entries { entry.completion.resume(returning: .failure(error)) }
        }
    }

    private static func store(
        _ outcome: SyncOutcomes.Outcome, of site: SiteRecord, at now: String, in db: Database
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
