/// What a sync's findings mean, decided inside one of the store's write
/// transactions (`Store.writeChanges`), the same for every backend: which
/// change each post underwent (`ChangeClassifier`), which version it becomes,
/// and which event reports it. A version is never half written and never
/// reported without being stored: the transaction commits both or neither.
struct ChangeRecorder {
    let transaction: any StoreTransaction
    let site: SiteRecord
    /// When the findings are stored (ISO 8601).
    let now: String

    init(_ transaction: any StoreTransaction, site: SiteRecord, at now: String = Timestamp.now()) {
        self.transaction = transaction
        self.site = site
        self.now = now
    }

    /// Compares one page of fetched posts with their stored versions and
    /// stores what changed, with the events that report it.
    /// - Parameter highWater: the collection's new high-water mark, moved
    ///   forward in the same transaction, so it never passes an uncommitted post.
    func record(_ posts: [FetchedPost], type: String, highWater: String?) throws -> [PendingEvent] {
        if let highWater { try transaction.advanceHighWater(to: highWater, siteID: site.id, type: type) }
        let baselined = try transaction.site(named: site.name)?.baselined ?? site.baselined
        // The page's stored states in one query; a post that comes twice in
        // a page is looked up again, after its first write.
        let states = try transaction.storedStates(of: posts.map(\.id), siteID: site.id, type: type)
        var seen = Set<Int>()
        var events: [PendingEvent] = []
        for post in posts {
            let key = PostKey(siteID: site.id, type: type, id: post.id)
            let stored = try seen.insert(post.id).inserted ? states[post.id] : transaction.storedState(of: key)
            guard let event = try record(post, key: key, stored: stored, siteBaselined: baselined) else { continue }
            events.append(try transaction.enqueue(event, siteID: site.id, at: now))
        }
        return events
    }

    private func record(
        _ post: FetchedPost, key: PostKey, stored: StoredPostState?, siteBaselined: Bool
    ) throws -> ChangeEvent? {
        var stored = stored
        var fingerprint = post.fingerprint
        var adoptsRaw = false
        if let outdated = stored, outdated.normalizer != post.normalizerKey {
            stored = try refingerprint(outdated, of: key, with: post.normalizer, raw: post.snapshot.hasRaw)
            if stored?.normalizer != post.normalizerKey {
                // Stored before feedwatch kept the author's raw text: compared on the
                // rendered fields, as it was hashed then.
                fingerprint = PostFingerprint(post.snapshot, normalizer: post.normalizer, usingRaw: false)
                adoptsRaw = true
            }
        }
        let change = ChangeClassifier.classify(
            modifiedGMT: post.modifiedGMT, fingerprint: fingerprint, state: post.state, stored: stored,
            siteBaselined: siteBaselined)
        if adoptsRaw, let version = stored?.version, change == .unchanged || change == .touched {
            // A post stored from its rendered fields, fetched unchanged with its raw
            // texts (the first authenticated fetch after upgrading): the raw texts join
            // the newest version and its hashes become theirs, without a new version.
            try transaction.addRawTexts(of: post, to: key, version: version)
            try transaction.saveFingerprint(post.fingerprint, normalizer: post.normalizerKey, of: key)
            stored?.fingerprint = post.fingerprint
            stored?.normalizer = post.normalizerKey
        }
        return try apply(change, to: post, key: key, stored: stored)
    }

    private func apply(_ change: PostChange, to post: FetchedPost, key: PostKey, stored: StoredPostState?) throws
        -> ChangeEvent?
    {
        var event = self.event(.new, about: post, key: key, stored: stored)
        let changed: [TrackedField]
        switch change {
        case .unchanged:
            if stored?.recheck != post.recheck { try transaction.saveRecheck(post.recheck, of: key) }
            return nil
        case .touched:
            try transaction.saveTouch(of: key, modifiedGMT: post.modifiedGMT, recheck: post.recheck, at: now)
            event.kind = .touched
            event.version = stored?.version
            return event
        case .baseline, .new:
            changed = []
        case .revised(let fields), .silentEdit(let fields), .deleted(let fields), .unpublished(let fields),
             .restored(let fields):
            changed = fields
        }
        let number = (stored?.version ?? 0) + 1
        try transaction.storeVersion(number, of: post, key: key, change: change.eventKind?.rawValue ?? "baseline",
                                     changed: changed, title: post.titleText, at: now)
        guard let kind = change.eventKind else { return nil }
        event.kind = kind
        event.version = number
        event.changedFields = changed.isEmpty ? nil : changed
        return event
    }

    private func event(_ kind: EventKind, about post: FetchedPost, key: PostKey, stored: StoredPostState?) -> ChangeEvent {
        let link = post.snapshot[.link]
        var event = ChangeEvent(kind: kind, site: site.name, siteURL: site.url)
        event.postType = key.type
        event.postID = post.id
        event.postURL = link.isEmpty ? nil : link
        event.title = post.titleText
        event.modifiedGMT = post.modifiedGMT
        event.hash = post.fingerprint.hash
        event.previousModifiedGMT = stored?.modifiedGMT
        event.previousHash = stored?.fingerprint.hash
        return event
    }

    /// Hashes the newest stored version again under `normalizer` (after new
    /// `ignore` patterns or built-in rules), so that only real edits differ.
    /// - Parameter raw: hash its raw texts, if it has them (the fetched post has).
    private func refingerprint(
        _ stored: StoredPostState, of key: PostKey, with normalizer: ContentNormalizer, raw: Bool
    ) throws -> StoredPostState {
        guard let snapshot = try transaction.snapshot(of: key, version: stored.version) else { return stored }
        let usesRaw = raw && snapshot.hasRaw
        var updated = stored
        updated.fingerprint = PostFingerprint(snapshot, normalizer: normalizer, usingRaw: usesRaw)
        updated.normalizer = FetchedPost.key(normalizer, raw: usesRaw)
        try transaction.saveFingerprint(updated.fingerprint, normalizer: updated.normalizer, of: key)
        return updated
    }
}
