#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Locking
import Logging

/// Runs every enabled site at its own interval, from one queue ordered by due
/// time, until the task is cancelled (SIGTERM, SIGINT); takes new sets of
/// sites while it runs (SIGHUP).
public struct Scheduler: Sendable {
    /// Taken by `run`, which keeps what it needs of it: the plan's list of
    /// syncers and the sites' stored state would otherwise stay in memory as
    /// long as the scheduler runs, beside the queue made from them.
    private let initialPlan: Locked<Plan?>
    private let heartbeat: Heartbeat?
    private let logger: Logger

    /// The sites to run and how many may sync at once.
    public struct Plan: Sendable {
        public var syncers: [SiteSyncer]
        public var concurrency: Int
        /// The sites' state as the database has it, by name: a site synced
        /// shortly before waits out its interval (or its backoff) instead of
        /// being polled again at once.
        public var previous: [String: SiteStatus]
        /// Sites configured but disabled, synced only when a request names them.
        public var standby: [String: SiteSyncer]
        /// The daemons this one shares the sites with, if any: a site is
        /// synced only under its lease.
        public var sharing: (any WorkSharing)?

        public init(syncers: [SiteSyncer], concurrency: Int = SyncConcurrency.minimum,
                    previous: [String: SiteStatus] = [:], standby: [SiteSyncer] = [], sharing: (any WorkSharing)? = nil) {
            self.syncers = syncers
            self.concurrency = max(1, concurrency)
            self.previous = previous
            self.standby = Dictionary(standby.map { ($0.site.name, $0) }) { first, _ in first }
            self.sharing = sharing
        }
    }

    /// Called from the scheduling loop itself at least every `interval`, so a
    /// loop that hangs stops the beats (and systemd's watchdog restarts it).
    public struct Heartbeat: Sendable {
        public var interval: Duration
        public var beat: @Sendable (SchedulerSummary) async -> Void

        public init(every interval: Duration, _ beat: @escaping @Sendable (SchedulerSummary) async -> Void) {
            self.interval = interval
            self.beat = beat
        }
    }

    public init(_ plan: Plan, heartbeat: Heartbeat? = nil, logger: Logger) {
        initialPlan = Locked(plan)
        self.heartbeat = heartbeat
        self.logger = logger
    }

    public init(
        syncers: [SiteSyncer], concurrency: Int = SyncConcurrency.minimum,
        previous: [String: SiteStatus] = [:], heartbeat: Heartbeat? = nil, logger: Logger
    ) {
        self.init(Plan(syncers: syncers, concurrency: concurrency, previous: previous), heartbeat: heartbeat, logger: logger)
    }

    static let idleWakeup = Duration.seconds(60)
    /// The timer wakes the loop only on multiples of this since the start, so
    /// sites falling due a few milliseconds apart start together: at 333 syncs
    /// a second, a timer and a wake-up of idle threads per sync otherwise,
    /// where a burst keeps the threads busy (at most 100 ms late, within the
    /// ±5% spread of any interval).
    static let tick = Duration.milliseconds(100)

    /// `instant` rounded up to the next `tick` after `origin`.
    static func onTick(_ instant: ContinuousClock.Instant, from origin: ContinuousClock.Instant) -> ContinuousClock.Instant {
        guard instant > origin else { return instant }
        let ticks = ((instant - origin) / tick).rounded(.up)
        return origin + tick * ticks
    }

    /// How far apart in time daemons sharing the sites try to take a due one.
    static let sharedSpread = Duration.seconds(1)

    private enum Wakeup: Sendable {
        case finished(String, SyncResult)
        /// Another daemon had the site (`SiteLease.elsewhere`).
        case postponed(String, dueIn: Duration, leased: Bool, full: Bool)
        /// A site's lease is back in the database.
        case released(String)
        case standbyFinished(String, SyncResult, requests: [Int])
        case timer
        case replanned(Plan?)
        case requested(SyncRequest?)
    }

    /// - Parameters:
    ///   - plans: each element replaces the sites being run (see
    ///     `SiteQueue.replace`) and the concurrency limit.
    ///   - requests: sites to sync now, each answered when its syncs are done.
    public func run(plans: AsyncStream<Plan>? = nil, requests: AsyncStream<SyncRequest>? = nil) async {
        guard let plan = initialPlan.withLock({ plan in defer { plan = nil }; return plan }) else {
            assertionFailure("a scheduler runs once")
            return
        }
        let clock = ContinuousClock()
        let origin = clock.now
        let sharing = plan.sharing
        var sites = SiteQueue()
        if sharing != nil { sites.sharedSpread = Self.sharedSpread }
        sites.replace(with: plan.syncers, previous: plan.previous, now: clock.now)
        var concurrency = plan.concurrency
        var standby = plan.standby
        var requested = RequestedSyncs()
        let wakeupLimit = min(Self.idleWakeup, heartbeat?.interval ?? Self.idleWakeup)
        await withTaskGroup(of: Wakeup.self) { group in
            if let plans { group.addTask { await Self.next(of: plans) } }
            if let requests { group.addTask { await Self.next(of: requests) } }
            var running = 0
            var timerDeadline: ContinuousClock.Instant?
            var lastBeat: ContinuousClock.Instant?
            while !Task.isCancelled {
                if let heartbeat, lastBeat.map({ clock.now - $0 >= heartbeat.interval }) ?? true {
                    lastBeat = clock.now
                    await heartbeat.beat(SchedulerSummary(
                        sites: sites.count, failing: sites.failing, syncing: running,
                        share: sharing.map { (node: $0.node, sites: sites.share) }))
                }
                while running < concurrency, let syncer = sites.popDue(at: clock.now) {
                    let wanted = requested.isWanted(syncer.site.name)
                    let full = requested.started(syncer.site.name)
                    group.addTask { await Self.sync(syncer, full: full, requested: wanted, sharing: sharing) }
                    running += 1
                }
                // While every slot is busy, a finishing sync wakes the loop (and the
                // heartbeat's timer, if any). Otherwise a timer does: at the next due
                // time, or after a while when nothing is queued, so the loop idles
                // until shutdown instead of returning.
                let slotsBusy = running >= concurrency && sites.nextDue != nil
                let nextUseful = slotsBusy ? nil : sites.nextDue
                let wakeAt = min(nextUseful.map { Self.onTick($0, from: origin) } ?? clock.now + wakeupLimit,
                                 clock.now + wakeupLimit)
                if !slotsBusy || heartbeat != nil, timerDeadline.map({ wakeAt < $0 }) ?? true {
                    timerDeadline = wakeAt
                    group.addTask {
                        try? await clock.sleep(until: wakeAt)
                        return .timer
                    }
                }
                guard let wakeup = await group.next() else { break }
                switch wakeup {
                case .finished(let name, let result):
                    running -= 1
                    let nextDue = sites.finished(name, with: result, now: clock.now, holding: sharing != nil)
                    if let sharing {
                        group.addTask { await Self.release(name, nextDue: nextDue ?? .zero, sharing: sharing) }
                    }
                    requested.finished(name, with: result)
                    if requested.isWanted(name) { sites.bringForward(name, now: clock.now) }
                case .postponed(let name, let dueIn, let leased, let full):
                    running -= 1
                    requested.postponed(name, full: full)
                    sites.postpone(name, dueIn: dueIn, leased: leased, soon: requested.isWanted(name), now: clock.now)
                case .released(let name):
                    sites.released(name, now: clock.now)
                case .standbyFinished(let name, let result, let ids):
                    ids.forEach { requested.resolve($0, SiteOutcome(site: name, result)) }
                case .requested(let request):
                    guard let request, let requests else { break }
                    let names = request.sites.isEmpty ? sites.names : request.sites
                    let id = requested.add(request, names: names)
                    for name in names {
                        if sites.contains(name) {
                            requested.awaitNextSync(of: name, for: id, full: request.full)
                            sites.bringForward(name, now: clock.now)
                        } else if let syncer = standby[name] {
                            group.addTask { .standbyFinished(name, await syncer.syncRequested(full: request.full), requests: [id]) }
                        } else {
                            requested.resolve(id, SiteOutcome(site: name, error: """
                                the running feedwatch has no site named "\(name)"; after editing the configuration, \
                                reload it (systemctl reload feedwatch)
                                """))
                        }
                    }
                    group.addTask { await Self.next(of: requests) }
                case .timer:
                    timerDeadline = nil
                case .replanned(let next):
                    guard let next, let plans else { break }
                    let changes = sites.replace(with: next.syncers, previous: next.previous, now: clock.now)
                    concurrency = next.concurrency
                    standby = next.standby
                    for name in changes.removed {
                        let (ids, full) = requested.withdraw(name)
                        guard !ids.isEmpty else { continue }
                        if let syncer = standby[name] {
                            group.addTask { .standbyFinished(name, await syncer.syncRequested(full: full), requests: ids) }
                        } else {
                            let error = "a reload removed \"\(name)\" from the configuration before it was synced"
                            ids.forEach { requested.resolve($0, SiteOutcome(site: name, error: error)) }
                        }
                    }
                    if let sharing, !changes.shortened.isEmpty {
                        group.addTask { await Self.bringForward(changes.shortened, sharing: sharing) }
                    }
                    log(changes, sites: sites.count)
                    lastBeat = nil
                    group.addTask { await Self.next(of: plans) }
                }
            }
            group.cancelAll()
            requested.stopAll()
        }
        logger.info("scheduler stopped")
    }

    /// A sync of `syncer`'s site, under its lease when the sites are shared.
    /// A lease that cannot be had for the database's sake fails the sync as
    /// the database's failure (not the site's: no backoff, no `site-failing`).
    private static func sync(_ syncer: SiteSyncer, full: Bool, requested: Bool, sharing: (any WorkSharing)?) async -> Wakeup {
        let name = syncer.site.name
        if let sharing {
            do {
                let lease = try await sharing.acquire(site: name, url: syncer.site.url, requested: requested)
                if case .elsewhere(let dueIn, let leased) = lease {
                    return .postponed(name, dueIn: dueIn, leased: leased, full: full)
                }
            } catch {
                return .finished(name, SyncResult(error: "\(error)", storeFailed: true))
            }
        }
        return .finished(name, await syncer.sync(full: full))
    }

    /// Gives a synced site's lease back; one that cannot be given back
    /// expires by itself.
    private static func release(_ name: String, nextDue: Duration, sharing: any WorkSharing) async -> Wakeup {
        try? await sharing.release(site: name, nextDue: nextDue)
        return .released(name)
    }

    /// Makes the sites a reload gave a shorter interval due within it for
    /// every daemon sharing them, not at the due time the longer one set.
    private static func bringForward(_ sites: [String: Duration], sharing: any WorkSharing) async -> Wakeup {
        for (name, interval) in sites { try? await sharing.bringForward(site: name, dueWithin: interval) }
        return .timer
    }

    /// One element of `plans`; each is awaited by one child task at a time.
    private static func next(of plans: AsyncStream<Plan>) async -> Wakeup {
        var iterator = plans.makeAsyncIterator()
        return .replanned(await iterator.next())
    }

    private static func next(of requests: AsyncStream<SyncRequest>) async -> Wakeup {
        var iterator = requests.makeAsyncIterator()
        return .requested(await iterator.next())
    }

    private func log(_ changes: SiteQueue.Changes, sites: Int) {
        var parts: [String] = []
        for (label, names) in [("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)]
        where !names.isEmpty {
            parts.append("\(label) \(names.joined(separator: ", "))")
        }
        logger.info("now watching \(sites) \(sites == 1 ? "site" : "sites")\(parts.isEmpty ? "; no site changed" : ": " + parts.joined(separator: "; "))")
    }
}

/// What the scheduler is doing, for `systemctl status`.
public struct SchedulerSummary: Sendable, Equatable {
    public var sites: Int
    /// Sites whose last sync failed.
    public var failing: Int
    /// Syncs running now.
    public var syncing: Int
    /// When daemons share the sites: this one's name, and how many of the
    /// sites it synced last.
    public var share: Share?

    public struct Share: Sendable, Equatable {
        public var node: String
        public var sites: Int
    }

    public init(sites: Int, failing: Int, syncing: Int, share: (node: String, sites: Int)? = nil) {
        self.sites = sites
        self.failing = failing
        self.syncing = syncing
        self.share = share.map { Share(node: $0.node, sites: $0.sites) }
    }
}
