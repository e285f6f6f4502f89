import ArgumentParser
import FeedwatchCore
import Foundation
import Logging

/// `--config` and `--database`, taken by every subcommand.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The configuration file (default: $FEEDWATCH_CONFIG, else /etc/feedwatch.json).", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp(
        "The SQLite database, or a postgresql:// URL (default: the file's \"database\", "
            + "else $STATE_DIRECTORY/feedwatch.db, else /var/lib/feedwatch/feedwatch.db).", valueName: "path"))
    var database: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var configurationPath: String { Configuration.path(option: config, environment: environment) }

    /// The validated configuration; every problem printed and exit 78 when invalid.
    func loadConfiguration() throws -> Configuration {
        let path = configurationPath
        do {
            return try ConfigurationLoader.load(path: path)
        } catch {
            StandardError.write(error.description + "\n")
            throw ExitCode(78)
        }
    }

    /// The database, opened for reading only: `--database`, else the one the
    /// configuration names. The daemon may be writing it meanwhile.
    /// - Parameter configuration: the configuration, when it is loaded already.
    func openStoreForReading(_ configuration: Configuration? = nil) throws -> any Store {
        let location = try databaseLocation(database == nil ? configuration ?? loadConfiguration() : nil)
        switch location {
        case .sqlite(let path):
            do {
                return try SQLiteStore(path: path, readOnly: true)
            } catch {
                StandardError.write("feedwatch: \(error)\n")
                throw ExitCode.failure
            }
        case .postgresql(let location):
            return PostgresStore(location, environment: environment)
        }
    }

    /// `--database`, else the configuration's `database`, else the default.
    /// - Parameter configuration: not needed when `--database` is given.
    func databaseLocation(_ configuration: Configuration?) throws -> DatabaseLocation {
        do {
            return try Engine.database(option: database, configuration ?? Configuration(source: "", sites: []),
                                       environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func makeEngine(_ configuration: Configuration) throws -> Engine {
        do {
            return try Engine(configuration: configuration, databasePath: database, environment: environment,
                              logger: Logger(label: "feedwatch"))
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
    }
}
