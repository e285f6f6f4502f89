extension ChangeRecorder {
    /// Posts that a direct request showed gone (404/410: `deleted`) or refused
    /// (401/403: `unpublished`), with no content to store: a public post is
    /// reported once, at the transition; one already hidden only changes state.
    func recordDisappeared(_ ids: [Int], as state: PostState, type: String) throws -> [PendingEvent] {
        var events: [PendingEvent] = []
        for id in ids {
            let key = PostKey(siteID: site.id, type: type, id: id)
            guard let stored = try transaction.storedHeader(of: key), stored.state != state, stored.state != .deleted
            else { continue }
            try transaction.saveState(state, of: key, at: now)
            guard stored.state == .public else { continue }
            var event = ChangeEvent(kind: state == .deleted ? .deleted : .unpublished, site: site.name, siteURL: site.url)
            event.postType = type
            event.postID = id
            event.title = stored.title
            event.postURL = stored.link.isEmpty ? nil : stored.link
            event.modifiedGMT = stored.modifiedGMT
            event.hash = stored.hash
            event.version = stored.version
            events.append(try transaction.enqueue(event, siteID: site.id, at: now))
        }
        return events
    }
}
