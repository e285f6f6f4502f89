#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheduler's bookkeeping, by site name: each site's syncer, its
/// failures in a row, and when it is next due (one ordered queue, not a
/// sleeping task per site).
struct SiteQueue {
    typealias Instant = ContinuousClock.Instant

    private struct Site {
        var syncer: SiteSyncer
        var failuresInRow: Int
    }

    private var sites: [String: Site] = [:]
    private var due = DueQueue()
    /// Sites with a sync running: not in `due` until it finishes.
    private var syncing: Set<String> = []
    /// Sites synced whose lease is being given back (`WorkSharing`), with
    /// when they are due next: queued once it is, so that this daemon never
    /// takes a site again before its last lease is returned.
    private var releasing: [String: Instant] = [:]
    /// Added to every due time when daemons share the sites: which of them
    /// takes a site next is left to chance, so that none keeps every site it
    /// once took, and a daemon joining gets its share.
    var sharedSpread: Duration = .zero
    /// Sites whose last sync was this daemon's, not another's.
    private var syncedHere: Set<String> = []

    /// How many of the sites this daemon synced last: its share.
    var share: Int { syncedHere.count }

    /// What a new set of syncers changed, by site name.
    struct Changes: Equatable {
        var added: [String] = []
        var removed: [String] = []
        var changed: [String] = []
        /// The changed sites whose interval is now shorter, with it.
        var shortened: [String: Duration] = [:]
    }

    var count: Int { sites.count }
    var names: [String] { sites.keys.sorted() }

    func contains(_ name: String) -> Bool { sites[name] != nil }

    /// Makes a queued site due now (`feedwatch poll` asked for it). One
    /// syncing now is not touched: it is brought forward when it finishes.
    mutating func bringForward(_ name: String, now: Instant) {
        if releasing[name] != nil { releasing[name] = now }
        guard due.remove(name) != nil else { return }
        due.insert(name, at: now)
    }
    var failing: Int { sites.values.count { $0.failuresInRow > 0 } }
    var nextDue: Instant? { due.nextDue }

    /// Makes `syncers` the sites to run. A site new to the queue waits out what
    /// is left of its interval after its last recorded sync (`previous`), else
    /// starts within a few seconds; a site no longer among `syncers` leaves the
    /// queue (a sync of it already running finishes, its result ignored); a
    /// changed site keeps its place unless a shorter interval brings it forward.
    @discardableResult
    mutating func replace(with syncers: [SiteSyncer], previous: [String: SiteStatus], now: Instant) -> Changes {
        var changes = Changes()
        let names = Set(syncers.map(\.site.name))
        for name in sites.keys.sorted() where !names.contains(name) {
            sites[name] = nil
            due.remove(name)
            releasing[name] = nil
            syncedHere.remove(name)
            changes.removed.append(name)
        }
        for syncer in syncers {
            let name = syncer.site.name
            guard let old = sites[name] else {
                let status = previous[name]
                sites[name] = Site(syncer: syncer, failuresInRow: status?.failuresInRow ?? 0)
                changes.added.append(name)
                // Back while its last sync still runs: queued when that finishes.
                guard !syncing.contains(name) else { continue }
                let spread = Duration.milliseconds(Int.random(in: 0..<min(5000, 250 * syncers.count)))
                let wait = status?.nextPoll(interval: syncer.site.interval).map { Duration.seconds($0.timeIntervalSinceNow) }
                due.insert(name, at: now + max(spread, wait ?? .zero))
                continue
            }
            guard old.syncer.site != syncer.site else { continue }
            sites[name]?.syncer = syncer
            changes.changed.append(name)
            if syncer.site.interval < old.syncer.site.interval {
                changes.shortened[name] = syncer.site.interval
                if let at = due.remove(name) { due.insert(name, at: min(at, now + SiteQueue.jittered(syncer.site.interval))) }
            }
        }
        return changes
    }

    /// The next site due at `now`, marked as syncing.
    mutating func popDue(at now: Instant) -> SiteSyncer? {
        guard let name = due.popDue(at: now), let site = sites[name] else { return nil }
        syncing.insert(name)
        return site.syncer
    }

    /// Queues a site again after its sync: at its interval, or after a
    /// backoff when the sync failed. With `holding`, it is queued only when
    /// `released` says its lease is back. Returns when it is next due, from
    /// `now` (`nil` for a site no longer run).
    @discardableResult
    mutating func finished(_ name: String, with result: SyncResult, now: Instant, holding: Bool = false) -> Duration? {
        // Held: still out of `due` until `released`, which ends the hold.
        if !holding { syncing.remove(name) }
        guard let site = sites[name] else { return nil }
        syncedHere.insert(name)
        let interval = site.syncer.site.interval
        let wait: Duration
        if result.error == nil {
            sites[name]?.failuresInRow = 0
            wait = SiteQueue.jittered(interval)
        } else if result.storeFailed {
            // Not the site's fault: no backoff, so the site is synced again within
            // an interval of the database's recovery, however long the outage.
            sites[name]?.failuresInRow = site.failuresInRow + 1
            wait = SiteQueue.jittered(interval)
        } else {
            let failures = site.failuresInRow + 1
            sites[name]?.failuresInRow = failures
            wait = Backoff.delay(failures: failures, interval: interval, retryAfter: result.retryAfter)
        }
        let at = now + wait + spread()
        if holding {
            releasing[name] = at
        } else {
            due.insert(name, at: at)
        }
        return wait
    }

    /// The lease of a site `finished` held is back: the site is queued (at
    /// `now` if a reload took it out and put it back meanwhile).
    mutating func released(_ name: String, now: Instant) {
        syncing.remove(name)
        let at = releasing.removeValue(forKey: name)
        guard sites[name] != nil else { return }
        due.insert(name, at: at ?? now)
    }

    /// Another daemon syncs the site, or did lately (`SiteLease.elsewhere`):
    /// it is tried again when it is next due, or, while another daemon holds
    /// it, after a tenth of its interval (at least a second; a second when
    /// `soon`, for a sync someone asked for) to learn its next due time.
    mutating func postpone(_ name: String, dueIn: Duration, leased: Bool, soon: Bool, now: Instant) {
        syncing.remove(name)
        guard let site = sites[name] else { return }
        syncedHere.remove(name)
        let retry = soon ? Duration.seconds(1) : max(.seconds(1), site.syncer.site.interval / 10)
        due.insert(name, at: now + (leased ? min(dueIn, retry) : dueIn) + spread())
    }

    private func spread() -> Duration {
        sharedSpread > .zero ? sharedSpread * Double.random(in: 0..<1) : .zero
    }

    /// The interval ±5%, so sites configured alike drift apart instead of
    /// polling in lockstep.
    static func jittered(_ interval: Duration) -> Duration {
        interval * Double.random(in: 0.95...1.05)
    }
}
