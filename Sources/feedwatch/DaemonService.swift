import FeedwatchCore
import Logging
import ServiceLifecycle
import UnixSignals

/// The long-running part of `feedwatch run`: the scheduler, reloaded on
/// SIGHUP, stopped by ServiceLifecycle's graceful shutdown (SIGTERM, SIGINT).
struct DaemonService: Service {
    let engine: Engine
    let configurationPath: String
    let logger: Logger

    func run() async throws {
        // Trapped before anything else: SIGHUP's default action ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let notifier = ServiceNotifier()
        try await engine.reporter.flush()
        // systemd's watchdog gets three beats per period; the status line is
        // refreshed every 10 s either way.
        let reporter = engine.reporter
        let store = engine.store
        let heartbeat = Scheduler.Heartbeat(every: min(notifier.watchdogInterval.map { $0 / 3 } ?? .seconds(10), .seconds(10))) {
            summary in
            let changes = await reporter.changesReported(inLast: .seconds(3600))
            let troubles = DaemonTroubles(journalBacklog: await reporter.eventsWaitingForJournal, database: store.writeFailure)
            notifier.heartbeat(status: Self.status(summary, changesInLastHour: changes, troubles: troubles))
        }
        let plan = engine.schedulerPlan(previous: try await engine.store.siteStatuses())
        let sites = plan.syncers.count
        let scheduler = Scheduler(consume plan, heartbeat: heartbeat, logger: logger)
        let (plans, planner) = AsyncStream.makeStream(of: Scheduler.Plan.self)
        let (requests, requester) = AsyncStream.makeStream(of: SyncRequest.self)
        let pollRequests = PollRequestServer(store: store, scheduler: requester, logger: logger)
        let (dispatchers, redispatch) = AsyncStream.makeStream(of: NotificationDispatcher.self)
        logger.info("watching \(sites) \(sites == 1 ? "site" : "sites"), database \(engine.store.location)")
        notifier.ready(status: Self.status(SchedulerSummary(sites: sites, failing: 0, syncing: 0),
                                           changesInLastHour: 0, troubles: DaemonTroubles()))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await scheduler.run(plans: plans, requests: requests) }
                group.addTask { await Self.deliver(first: engine.dispatcher(), then: dispatchers) }
                group.addTask { await reporter.retryWhileJournalIsAway() }
                group.addTask { await pollRequests.run() }
                if let sharing = store.sharing {
                    group.addTask { await NodeHeartbeat(sharing, command: "run", logger: logger).run() }
                }
                group.addTask {
                    var engine = engine
                    for await _ in hangups {
                        guard let reloaded = await reload(engine, into: planner, notifier: notifier) else { continue }
                        engine = reloaded
                        redispatch.yield(reloaded.dispatcher())
                    }
                }
                // The scheduler returns only when shutdown cancels it.
                await group.next()
                group.cancelAll()
            }
        }
        notifier.stopping()
        await leave()
    }

    /// Hands this daemon's sites and channels to the others sharing the
    /// database at once, rather than when its leases run out.
    private func leave() async {
        guard let sharing = engine.store.sharing else { return }
        do {
            try await sharing.leave()
            logger.info("node \(sharing.node) left; the other daemons take over its sites")
        } catch {
            logger.warning("\(error); the other daemons take over its sites when its leases run out")
        }
    }

    /// Reads the configuration file again. A valid one replaces the sites the
    /// scheduler runs; an invalid one is reported problem by problem and the
    /// running configuration stays (`nil`).
    private func reload(
        _ engine: Engine, into planner: AsyncStream<Scheduler.Plan>.Continuation, notifier: ServiceNotifier
    ) async -> Engine? {
        notifier.reloading()
        defer { notifier.ready() }
        logger.info("SIGHUP: reading \(configurationPath) again")
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: configurationPath)
        } catch {
            for line in error.lines { logger.error("\(line)") }
            logger.error("""
                \(configurationPath) was not reloaded: \(error.problems.count) \
                \(error.problems.count == 1 ? "problem" : "problems"); still running the configuration loaded before
                """)
            return nil
        }
        let reconfigured = await engine.reconfigured(configuration)
        let previous: [SiteStatus]
        do {
            previous = try await engine.store.siteStatuses()
        } catch {
            logger.warning("\(error); sites added by the reload are polled at once")
            previous = []
        }
        planner.yield(reconfigured.schedulerPlan(previous: previous))
        return reconfigured
    }

    /// Runs `first`, then each dispatcher of `next` in place of the one before
    /// (a reload): a delivery cut short is sent again by its successor. Each
    /// runs in a task of its own, so that one can be cancelled and the next
    /// started (a cancelled task group would cancel the newcomer too); the
    /// stream ends when the service is cancelled, and the last one with it.
    private static func deliver(first: NotificationDispatcher, then next: AsyncStream<NotificationDispatcher>) async {
        var current = Task { await first.run() }
        for await dispatcher in next {
            current.cancel()
            await current.value
            current = Task { await dispatcher.run() }
        }
        current.cancel()
        await current.value
    }

    /// The line `systemctl status` shows, e.g.
    /// `42 sites, 1 failing, 3 syncing, 5 changes in the last hour`, then
    /// `; node web-1 synced 14 of them last` when daemons share the sites, and
    /// `; journal unavailable, 12 events waiting` or `; database: disk full`
    /// after it while those last.
    static func status(_ summary: SchedulerSummary, changesInLastHour changes: Int, troubles: DaemonTroubles) -> String {
        var line = "\(summary.sites) \(summary.sites == 1 ? "site" : "sites"), \(summary.failing) failing, "
            + "\(summary.syncing) syncing, \(changes) \(changes == 1 ? "change" : "changes") in the last hour"
        if let share = summary.share { line += "; node \(share.node) synced \(share.sites) of them last" }
        if let waiting = troubles.journalBacklog {
            line += "; journal unavailable, \(waiting) \(waiting == 1 ? "event" : "events") waiting"
        }
        if let database = troubles.database { line += "; database: \(database.summary)" }
        return line
    }
}

/// ServiceLifecycle names each service in its log by `"\(service)"`: without
/// this, that is a reflection of every field, the whole configuration with it
/// (10 s of CPU at start-up with 100,000 sites).
extension DaemonService: CustomStringConvertible {
    var description: String { "DaemonService" }
}

/// What keeps the daemon from doing its work, for the status line.
struct DaemonTroubles {
    /// Events waiting for the journal, while it is away.
    var journalBacklog: Int?
    /// Why the database's last write failed, until one succeeds.
    var database: StoreError?
}
