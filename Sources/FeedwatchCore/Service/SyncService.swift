import Logging
import ServiceLifecycle

/// The scheduler as a service: reports what an earlier run left in the
/// outbox, tells systemd it is ready, then syncs the sites until graceful
/// shutdown, taking each new plan (a reload) and each sync request (`feedwatch
/// poll`) as they come, with the status line and the watchdog fed from the
/// scheduling loop itself.
struct SyncService: Service, CustomStringConvertible {
    let engine: Engine
    let plans: AsyncStream<Scheduler.Plan>
    let requests: AsyncStream<SyncRequest>
    let notifier: ServiceNotifier
    let logger: Logger

    var description: String { "SyncService" }

    func run() async throws {
        try await engine.reporter.flush()
        await engine.feed.refresh()
        let reporter = engine.reporter
        let store = engine.store
        let notifier = notifier
        // systemd's watchdog gets three beats per period; the status line is
        // refreshed every 10 s either way.
        let beats = min(notifier.watchdogInterval.map { $0 / 3 } ?? .seconds(10), .seconds(10))
        let heartbeat = Scheduler.Heartbeat(every: beats) { summary in
            let line = StatusLine(summary, changesInLastHour: await reporter.changesReported(inLast: .seconds(3600)),
                                  journalBacklog: await reporter.eventsWaitingForJournal, database: store.writeFailure)
            notifier.heartbeat(status: line.text)
        }
        let plan = engine.schedulerPlan(previous: try await store.siteStatuses())
        let sites = plan.syncers.count
        let scheduler = Scheduler(consume plan, heartbeat: heartbeat, logger: logger)
        logger.info("watching \(sites) \(sites == 1 ? "site" : "sites"), database \(store.location)")
        notifier.ready(status: StatusLine(SchedulerSummary(sites: sites, failing: 0, syncing: 0)).text)
        await cancelWhenGracefulShutdown { await scheduler.run(plans: plans, requests: requests) }
    }
}
