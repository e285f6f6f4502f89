import ArgumentParser
import FeedwatchCore
import Logging
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground (what systemd starts).")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let logger = Logger(label: "feedwatch")
        let configuration = try options.loadConfiguration()
        let engine = try options.makeEngine(configuration)
        let sites = configuration.sites.filter(\.enabled)
        let daemon = DaemonService(engine: engine, sites: sites, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: daemon)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        await engine.shutdown()
    }
}

/// The long-running part of `feedwatch run`, stopped by ServiceLifecycle's
/// graceful shutdown.
struct DaemonService: Service {
    let engine: Engine
    let sites: [SiteConfiguration]
    let logger: Logger

    func run() async throws {
        let notifier = ServiceNotifier()
        try await engine.reporter.flush()
        let previous = try await engine.store.siteStatuses()
        // systemd's watchdog gets three beats per period; the status line is
        // refreshed every 10 s either way.
        let heartbeat = Scheduler.Heartbeat(every: min(notifier.watchdogInterval.map { $0 / 3 } ?? .seconds(10), .seconds(10))) {
            summary in notifier.heartbeat(status: Self.status(summary))
        }
        let scheduler = Scheduler(syncers: sites.map(engine.syncer), concurrency: engine.configuration.concurrency,
                                  previous: Dictionary(previous.map { ($0.name, $0) }) { first, _ in first },
                                  heartbeat: heartbeat, logger: logger)
        logger.info("watching \(sites.count) sites, database \(engine.store.path)")
        notifier.ready(status: Self.status(SchedulerSummary(sites: sites.count, failing: 0, syncing: 0)))
        await cancelWhenGracefulShutdown {
            await scheduler.run()
        }
        notifier.stopping()
    }

    /// The line `systemctl status` shows, e.g. `42 sites, 1 failing, 3 syncing`.
    static func status(_ summary: SchedulerSummary) -> String {
        "\(summary.sites) \(summary.sites == 1 ? "site" : "sites"), \(summary.failing) failing, \(summary.syncing) syncing"
    }
}
