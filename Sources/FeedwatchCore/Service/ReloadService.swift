import Logging
import ServiceLifecycle
import UnixSignals

/// SIGHUP as a service: reads the configuration file again; a valid one
/// gives the scheduler its new plan and the channels a new dispatcher, an
/// invalid one is reported problem by problem and the running configuration
/// stays.
struct ReloadService: Service, CustomStringConvertible {
    let engine: Engine
    let configurationPath: String
    let hangups: UnixSignalsSequence
    let planner: AsyncStream<Scheduler.Plan>.Continuation
    let dispatchers: AsyncStream<NotificationDispatcher>.Continuation
    let notifier: ServiceNotifier
    let logger: Logger

    var description: String { "ReloadService" }

    func run() async {
        await cancelWhenGracefulShutdown {
            var engine = engine
            for await _ in hangups {
                guard let reloaded = await reload(engine) else { continue }
                engine = reloaded
                dispatchers.yield(reloaded.dispatcher())
            }
        }
    }

    private func reload(_ engine: Engine) async -> Engine? {
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
}
