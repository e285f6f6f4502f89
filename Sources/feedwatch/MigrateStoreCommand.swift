import ArgumentParser
import FeedwatchCore

struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy a whole SQLite history into an empty PostgreSQL database, and verify it.",
        discussion: """
            Copies every site, post, version, text, event and waiting notification, in one transaction that \
            commits only when each table's count matches the file's. Stop feedwatch first; then point "database" \
            in the configuration at the PostgreSQL database and start it again.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The SQLite database to copy.", valueName: "path"))
    var from: String

    @Option(help: ArgumentHelp(
        "The PostgreSQL database to copy into (default: --database, else the configuration's \"database\").",
        valueName: "postgresql-url"))
    var to: String?

    func run() async throws {
        let target = try targetLocation()
        let source: SQLiteStore
        let lock: DatabaseLock?
        do {
            source = try SQLiteStore(path: from)
            lock = try await source.lockWriter()
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        guard let lock else {
            let holder = (try? await source.writer()).flatMap { $0 }
            StandardError.write("feedwatch: \(holder.map { "\($0)" } ?? "another feedwatch process") is using \(from); "
                + "stop it first (systemctl stop feedwatch), so that nothing is written after the copy\n")
            throw ExitCode.failure
        }
        defer { withExtendedLifetime(lock) {} }
        let store = PostgresStore(target, environment: options.environment)
        let counts: [StoreCopy.Count]
        do {
            counts = try await StoreCopy(from: source, to: store).run()
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        for count in counts { print("\(count.table): \(count.source) rows copied, \(count.target) in PostgreSQL") }
        print("copied \(from) into \(store.location); every count matches")
    }

    /// `--to`, else the database `--database` or the configuration names, which must be PostgreSQL.
    private func targetLocation() throws -> PostgresLocation {
        let location: DatabaseLocation
        if let to {
            switch DatabaseLocation.parse(to) {
            case .success(let parsed): location = parsed
            case .failure(let error): throw ValidationError("--to: \(error)")
            }
        } else {
            location = try options.databaseLocation(options.database == nil ? try options.loadConfiguration() : nil)
        }
        guard case .postgresql(let target) = location else {
            throw ValidationError("""
                --to: \(location) is not a postgresql:// database; give the database to copy into \
                (--to postgresql://…, or "database" in the configuration)
                """)
        }
        return target
    }
}
