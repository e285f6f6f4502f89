import Logging
import ServiceLifecycle
import UnixSignals

/// `feedwatch run` assembled from its parts, each a ServiceLifecycle
/// `Service` for one `ServiceGroup`: the scheduler, the deliveries, the
/// reloads, the journal's retries, `feedwatch poll`'s requests and, on a
/// database daemons share, this node's heartbeat. They talk through streams:
/// a reload hands the scheduler a plan and the deliveries a dispatcher; a
/// poll request hands the scheduler sites to sync.
public struct Daemon: Sendable {
    /// In start order; a group stops them in reverse, the scheduler last but one.
    let services: [any Service]
    private let engine: Engine
    private let notifier: ServiceNotifier
    private let logger: Logger

    /// Traps SIGHUP first of all: its default action would end the process.
    public init(engine: Engine, configurationPath: String, logger: Logger) async {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let notifier = ServiceNotifier()
        let (plans, planner) = AsyncStream.makeStream(of: Scheduler.Plan.self)
        let (requests, requester) = AsyncStream.makeStream(of: SyncRequest.self)
        let (dispatchers, redispatch) = AsyncStream.makeStream(of: NotificationDispatcher.self)
        let reporter = engine.reporter
        let pollRequests = PollRequestServer(store: engine.store, scheduler: requester, logger: logger)
        var services: [any Service] = []
        if let sharing = engine.store.sharing {
            services.append(BackgroundService("NodeHeartbeat") {
                try await NodeHeartbeat(sharing, command: "run", reporter: reporter, logger: logger).run()
            })
        }
        services += [
            BackgroundService("JournalRetry") { await reporter.retryWhileJournalIsAway() },
            DeliveryService(first: engine.dispatcher(), next: dispatchers),
            SyncService(engine: engine, plans: plans, requests: requests, notifier: notifier, logger: logger),
            BackgroundService("PollRequestServer") { await pollRequests.run() },
            ReloadService(engine: engine, configurationPath: configurationPath, hangups: hangups, planner: planner,
                          dispatchers: redispatch, notifier: notifier, logger: logger),
        ]
        self.services = services
        self.engine = engine
        self.notifier = notifier
        self.logger = logger
    }

    /// Runs the services until SIGTERM or SIGINT, or until one fails (a node
    /// another process took over: `NodeTakenError`), then stops them all.
    public func run() async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch let error as NodeTakenError {
            notifier.stopping()  // the leases are the other process's now
            throw error
        } catch {
            await stopped()
            throw error
        }
        await stopped()
    }

    /// After the services stopped: tells systemd, and hands this node's sites
    /// and channels to the others sharing the database at once, rather than
    /// when its leases run out.
    private func stopped() async {
        notifier.stopping()
        guard let sharing = engine.store.sharing else { return }
        do {
            try await sharing.leave()
            logger.info("node \(sharing.node) left; the other daemons take over its sites")
        } catch {
            logger.warning("\(error); the other daemons take over its sites when its leases run out")
        }
    }
}
