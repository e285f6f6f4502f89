import ArgumentParser
import FeedwatchCore

struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Sync the named sites (default: every enabled site) once, report events, then exit.",
        discussion: """
            Prints the events found. While the daemon runs (it holds the database), the daemon syncs the sites \
            and reports their events, and this command prints its answer. Otherwise notifications due are sent \
            before it exits; those that fail wait for the daemon or the next poll. Exits non-zero when any site \
            failed, or when events wait for an unavailable journal.
            """)

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
        let outcomes: [SiteOutcome]
        var journalBacklog: Int?
        do {
            if let lock = try await engine.store.lockWriter() {
                (outcomes, journalBacklog) = try await pollHere(selected, engine: engine, holding: lock)
            } else {
                // This process writes only its request: the events and their
                // notifications are the lock holder's.
                engine.store.route(to: [])
                switch try await DelegatedPoll(store: engine.store).run(sites: sites, full: full) {
                case .answered(let answered, let writer):
                    outcomes = answered
                    print("synced by \(writer.map { "the running \($0)" } ?? "the running feedwatch")")
                case .ownPoll(let lock):
                    engine.store.route(to: configuration.notify)
                    (outcomes, journalBacklog) = try await pollHere(selected, engine: engine, holding: lock)
                }
            }
        } catch {
            await engine.shutdown()
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        await engine.shutdown()
        for outcome in outcomes {
            for event in outcome.events { print(event) }
        }
        let failures = outcomes.filter { $0.error != nil }
        for failure in failures {
            StandardError.write("feedwatch: \(failure.site): \(failure.error ?? "")\n")
        }
        if let journalBacklog {
            StandardError.write("feedwatch: the systemd journal is unavailable; \(journalBacklog) events wait in the database "
                + "for the daemon or the next poll\n")
        }
        if !failures.isEmpty || journalBacklog != nil { throw ExitCode.failure }
    }

    /// The poll done by this process, which holds the database's lock.
    private func pollHere(
        _ selected: [SiteConfiguration], engine: Engine, holding lock: DatabaseLock
    ) async throws -> ([SiteOutcome], Int?) {
        defer { withExtendedLifetime(lock) {} }
        try await engine.store.recordWriter(command: "poll")
        await engine.reporter.flushLoggingErrors()
        let poller = Poller(syncers: selected.map(engine.syncer), concurrency: engine.concurrency)
        let outcomes = await poller.poll(full: full)
        await engine.dispatcher().deliverDue()
        try? await engine.store.sharing?.leave()  // so that status shows this node stopped, not alive
        return (outcomes, await engine.reporter.eventsWaitingForJournal)
    }
}
