/// The sync requests a scheduler is serving (`SyncRequest`), by site: which
/// wait for a site's next sync to start, which for the one running to end.
/// A request is answered once every site it named has an outcome.
struct RequestedSyncs {
    private struct Open {
        var request: SyncRequest
        var names: [String]
        var outcomes: [String: SiteOutcome] = [:]
    }

    private var open: [Int: Open] = [:]
    private var nextID = 0
    private var waitingForStart: [String: [Int]] = [:]
    private var waitingForEnd: [String: [Int]] = [:]
    private var full: Set<String> = []

    /// Starts serving `request` for `names`; returns its id.
    mutating func add(_ request: SyncRequest, names: [String]) -> Int {
        let id = nextID
        nextID += 1
        open[id] = Open(request: request, names: names)
        if names.isEmpty { request.reply.answer([]) }
        return id
    }

    /// `id` waits for the next sync of `name` to start and end: a sync already
    /// running may have started before what the asker wants found.
    mutating func awaitNextSync(of name: String, for id: Int, full: Bool) {
        waitingForStart[name, default: []].append(id)
        if full { self.full.insert(name) }
    }

    func isWanted(_ name: String) -> Bool { waitingForStart[name] != nil }

    /// A sync of `name` starts; returns whether a request asked for a full one.
    mutating func started(_ name: String) -> Bool {
        if let ids = waitingForStart.removeValue(forKey: name) { waitingForEnd[name, default: []] += ids }
        return full.remove(name) != nil
    }

    /// The sync of `name` that started did not run after all (another daemon
    /// had the site): the requests it took wait for the next one again.
    mutating func postponed(_ name: String, full: Bool) {
        if let ids = waitingForEnd.removeValue(forKey: name) { waitingForStart[name, default: []].insert(contentsOf: ids, at: 0) }
        if full { self.full.insert(name) }
    }

    /// `name` is no longer run (a reload removed or disabled it): the requests
    /// still waiting for its next sync to start stop waiting; returns their ids
    /// and whether one of them asked for a full sync.
    mutating func withdraw(_ name: String) -> (ids: [Int], full: Bool) {
        (waitingForStart.removeValue(forKey: name) ?? [], full.remove(name) != nil)
    }

    /// A sync of `name` ended: its outcome goes to the requests that waited for it.
    mutating func finished(_ name: String, with result: SyncResult) {
        for id in waitingForEnd.removeValue(forKey: name) ?? [] {
            resolve(id, SiteOutcome(site: name, result))
        }
    }

    /// Gives `id` the outcome of one of its sites; answers it when complete.
    mutating func resolve(_ id: Int, _ outcome: SiteOutcome) {
        guard var entry = open[id] else { return }
        entry.outcomes[outcome.site] = outcome
        guard entry.outcomes.count == Set(entry.names).count else {
            open[id] = entry
            return
        }
        open[id] = nil
        entry.request.reply.answer(entry.names.compactMap { entry.outcomes[$0] })
    }

    /// The scheduler stops: every open request is answered so.
    mutating func stopAll() {
        for (id, entry) in open {
            for name in entry.names where entry.outcomes[name] == nil {
                resolve(id, SiteOutcome(site: name, error: "feedwatch stopped before syncing it"))
            }
        }
    }
}
