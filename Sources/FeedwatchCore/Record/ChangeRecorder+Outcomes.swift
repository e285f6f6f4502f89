extension ChangeRecorder {
    /// After this many failed syncs in a row a site is reported as failing.
    static let failingThreshold = 3

    /// A complete sync: the first one reports the `baseline`, one after a run
    /// of failures `site-recovered`.
    func recordSuccess() throws -> [PendingEvent] {
        guard let current = try transaction.site(named: site.name) else { return [] }
        var events: [PendingEvent] = []
        if !current.baselined {
            var event = ChangeEvent(kind: .baseline, site: site.name, siteURL: site.url)
            event.postCount = try transaction.postCount(siteID: site.id)
            events.append(try transaction.enqueue(event, siteID: site.id, at: now))
        }
        if current.failuresInRow >= Self.failingThreshold {
            let event = ChangeEvent(kind: .siteRecovered, site: site.name, siteURL: site.url)
            events.append(try transaction.enqueue(event, siteID: site.id, at: now))
        }
        try transaction.saveSuccess(siteID: site.id, at: now)
        return events
    }

    /// A failed sync; the third in a row reports `site-failing`, once.
    func recordFailure(error: String) throws -> [PendingEvent] {
        guard try transaction.saveFailure(siteID: site.id, error: error, at: now) == Self.failingThreshold else {
            return []
        }
        var event = ChangeEvent(kind: .siteFailing, site: site.name, siteURL: site.url)
        event.error = error
        return [try transaction.enqueue(event, siteID: site.id, at: now)]
    }
}
