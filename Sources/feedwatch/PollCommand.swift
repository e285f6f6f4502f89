import ArgumentParser
import FeedwatchCore

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Sync the named sites (default: every enabled site) once, report events, then exit.",
        discussion: "Notifications due are sent before it exits; those that fail wait for the daemon or the next poll. "
            + "Exits non-zero when any site failed.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Also re-fetch every post's content and id list, so silent edits are found now rather than at the next periodic pass.")
    var full = false

    @Argument(help: "Names of sites from the configuration.")
    var sites: [String] = []

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let engine = try options.makeEngine(configuration)
        let selected: [SiteConfiguration]
        do {
            selected = try engine.sites(named: sites)
        } catch {
            await engine.shutdown()
            throw ValidationError(error.description)
        }
        await engine.reporter.flushLoggingErrors()
        let poller = Poller(syncers: selected.map(engine.syncer), concurrency: configuration.concurrency)
        let failures = await poller.pollOnce(full: full)
        await engine.dispatcher().deliverDue()
        await engine.shutdown()
        for failure in failures {
            StandardError.write("feedwatch: \(failure.site): \(failure.error)\n")
        }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}
