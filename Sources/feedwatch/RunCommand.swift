import ArgumentParser
import FeedwatchCore
import Logging

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
        do {
            try await daemon.run()
        } catch {
            await engine.shutdown()
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        await engine.shutdown()
    }
}
