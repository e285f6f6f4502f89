#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Runs every enabled site at its own interval, from one queue ordered by due
/// time, until the task is cancelled (SIGTERM, SIGINT).
public struct Scheduler: Sendable {
    private let syncers: [SiteSyncer]
    private let concurrency: Int
    private let previous: [String: SiteStatus]
    private let heartbeat: Heartbeat?
    private let logger: Logger

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

    /// - Parameter previous: the sites' state as an earlier run left it, by
    ///   name: a site synced shortly before a restart waits out its interval
    ///   (or its backoff) instead of being polled again at once.
    public init(
        syncers: [SiteSyncer], concurrency: Int = Configuration.defaultConcurrency,
        previous: [String: SiteStatus] = [:], heartbeat: Heartbeat? = nil, logger: Logger
    ) {
        self.syncers = syncers
        self.concurrency = max(1, concurrency)
        self.previous = previous
        self.heartbeat = heartbeat
        self.logger = logger
    }

    static let idleWakeup = Duration.seconds(60)

    private enum Wakeup: Sendable {
        case finished(Int, SyncResult)
        case timer
    }

    public func run() async {
        let clock = ContinuousClock()
        // Sites already due (or never synced) are spread over a few seconds
        // rather than fired at once.
        var queue = DueQueue()
        var failures = [Int](repeating: 0, count: syncers.count)
        for (index, syncer) in syncers.enumerated() {
            let spread = Duration.milliseconds(Int.random(in: 0..<min(5000, 250 * syncers.count)))
            let status = previous[syncer.site.name]
            failures[index] = status?.failuresInRow ?? 0
            let wait = status?.nextPoll(interval: syncer.site.interval).map { Duration.seconds($0.timeIntervalSinceNow) }
            queue.insert(index, at: clock.now + max(spread, wait ?? .zero))
        }
        let wakeupLimit = min(Self.idleWakeup, heartbeat?.interval ?? Self.idleWakeup)
        await withTaskGroup(of: Wakeup.self) { group in
            var running = 0
            var timerDeadline: ContinuousClock.Instant?
            var lastBeat: ContinuousClock.Instant?
            while !Task.isCancelled {
                if let heartbeat, lastBeat.map({ clock.now - $0 >= heartbeat.interval }) ?? true {
                    lastBeat = clock.now
                    await heartbeat.beat(SchedulerSummary(sites: syncers.count, failing: failures.count { $0 > 0 },
                                                          syncing: running))
                }
                while running < concurrency, let index = queue.popDue(at: clock.now) {
                    let syncer = syncers[index]
                    group.addTask { .finished(index, await syncer.sync()) }
                    running += 1
                }
                // While every slot is busy, a finishing sync wakes the loop (and the
                // heartbeat's timer, if any). Otherwise a timer does: at the next due
                // time, or after a while when nothing is queued, so the loop idles
                // until shutdown instead of returning.
                let slotsBusy = running >= concurrency && queue.nextDue != nil
                let nextUseful = slotsBusy ? nil : queue.nextDue
                let wakeAt = min(nextUseful ?? clock.now + wakeupLimit, clock.now + wakeupLimit)
                if !slotsBusy || heartbeat != nil, timerDeadline.map({ wakeAt < $0 }) ?? true {
                    timerDeadline = wakeAt
                    group.addTask {
                        try? await clock.sleep(until: wakeAt)
                        return .timer
                    }
                }
                guard let wakeup = await group.next() else { break }
                switch wakeup {
                case .finished(let index, let result):
                    running -= 1
                    let interval = syncers[index].site.interval
                    if result.error == nil {
                        failures[index] = 0
                        queue.insert(index, at: clock.now + Self.jittered(interval))
                    } else {
                        failures[index] += 1
                        let delay = Backoff.delay(failures: failures[index], interval: interval, retryAfter: result.retryAfter)
                        queue.insert(index, at: clock.now + delay)
                    }
                case .timer:
                    timerDeadline = nil
                }
            }
            group.cancelAll()
        }
        logger.info("scheduler stopped")
    }

    /// The interval ±5%, so sites configured alike drift apart instead of
    /// polling in lockstep.
    static func jittered(_ interval: Duration) -> Duration {
        interval * Double.random(in: 0.95...1.05)
    }
}

/// What the scheduler is doing, for `systemctl status`.
public struct SchedulerSummary: Sendable, Equatable {
    public var sites: Int
    /// Sites whose last sync failed.
    public var failing: Int
    /// Syncs running now.
    public var syncing: Int

    public init(sites: Int, failing: Int, syncing: Int) {
        self.sites = sites
        self.failing = failing
        self.syncing = syncing
    }
}

/// Site indices ordered by the time they are due.
struct DueQueue {
    private var entries: [(due: ContinuousClock.Instant, index: Int)] = []

    var nextDue: ContinuousClock.Instant? { entries.first?.due }

    mutating func insert(_ index: Int, at due: ContinuousClock.Instant) {
        let position = entries.firstIndex { $0.due > due } ?? entries.endIndex
        entries.insert((due, index), at: position)
    }

    mutating func popDue(at now: ContinuousClock.Instant) -> Int? {
        guard let first = entries.first, first.due <= now else { return nil }
        entries.removeFirst()
        return first.index
    }
}
