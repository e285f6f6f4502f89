import ArgumentParser
import FeedwatchCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration: exit 0 when valid, 78 with every problem listed.",
        discussion: """
            With --database, also check that database file (SQLite's PRAGMA quick_check, without writing to it): \
            exit 1 when it is damaged, with what is wrong.
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let enabled = configuration.sites.filter(\.enabled).count
        print("\(configuration.source): OK, \(configuration.sites.count) sites (\(enabled) enabled)")
        guard options.database != nil else { return }
        let store = try options.openStoreForReading(configuration)
        let problems: [String]
        do {
            problems = try await store.quickCheck()
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        guard problems.isEmpty else {
            for problem in problems { StandardError.write("\(store.location): \(problem)\n") }
            StandardError.write("\(store.location): damaged; restore it from a backup, or move it away to start a new history\n")
            throw ExitCode.failure
        }
        print("\(store.location): OK (PRAGMA quick_check)")
    }
}
