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
        let lock: DatabaseLock
        do {
            lock = try await engine.lockDatabase(for: "run")
            try await engine.store.requireSound()
        } catch {
            await engine.shutdown()
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        defer { withExtendedLifetime(lock) {} }
        let daemon = await Daemon(engine: engine, configurationPath: options.configurationPath, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: daemon.services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        await daemon.stopped()
        await engine.shutdown()
    }
}
