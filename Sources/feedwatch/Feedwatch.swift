import ArgumentParser
import FeedwatchCore
import Logging

@main
struct Feedwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedwatch",
        abstract: "Watch WordPress sites for published, revised and silently edited posts.",
        discussion: """
            Events go to the systemd journal (journalctl -u feedwatch FEEDWATCH_EVENT=revised).
            Exit codes: 0 success, 1 failure, 64 usage, 78 configuration error.
            """,
        version: FeedwatchVersion.string,
        subcommands: [
            RunCommand.self, PollCommand.self, CheckCommand.self, StatusCommand.self, HistoryCommand.self, DiffCommand.self,
            ChangesCommand.self, NotifyTestCommand.self, MigrateStoreCommand.self,
        ]
    )

    static func main() async {
        LoggingSystem.bootstrap { label in DiagnosticLogHandler(label: label) }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
