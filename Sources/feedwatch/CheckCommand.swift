import ArgumentParser
import FeedwatchCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration: exit 0 when valid, 78 with every problem listed.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration = try options.loadConfiguration()
        let enabled = configuration.sites.filter(\.enabled).count
        print("\(configuration.source): OK, \(configuration.sites.count) sites (\(enabled) enabled)")
    }
}
