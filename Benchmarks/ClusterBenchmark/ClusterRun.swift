import Foundation
import GRDB
import TestSupport

/// One setup of the benchmark: `daemons` release daemons on one store, through
/// their first cycle and then two quiet intervals. Every sync updates its
/// site's `last_attempt_at`; a trigger the benchmark adds after the first
/// cycle counts those updates, so the quiet syncs are counted, not assumed.
struct ClusterRun {
    enum Backend: String { case sqlite, postgresql }

    let feedwatch: String
    let farm: NginxFarm
    let sites: Int
    let interval: Int
    let backend: Backend
    let daemons: Int
    let directory: String

    struct Figures {
        var label: String
        var daemons: Int
        var firstCycle: Double
        var quietSyncs: Int
        var quietSeconds: Double
        var daemonCPU: Double
        var serverCPU: Double?
        var transactions: Int?

        var row: String {
            let perSync = { (value: Double) in quietSyncs > 0 ? format(value * 1000 / Double(quietSyncs), 3) : "–" }
            return "| \(label) | \(daemons) | \(format(firstCycle, 0)) | \(format(Double(quietSyncs) / quietSeconds, 1)) | "
                + "\(perSync(daemonCPU)) | \(serverCPU.map(perSync) ?? "–") | "
                + "\(transactions.map { quietSyncs > 0 ? format(Double($0) / Double(quietSyncs), 2) : "–" } ?? "–") |"
        }
    }

    func run() throws -> Figures {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = backend == .postgresql ? try PostgresServer() : nil
        defer { try? server?.stop() }
        let database = try server?.createDatabase()
        let nodes = (1...daemons).map { "node-\($0)" }
        let started = ContinuousClock.now
        let processes = try nodes.map { node in
            try ChildProcess(feedwatch, ["run", "--config", try writeConfiguration(node: node, server: server, database: database)],
                             environment: ProcessInfo.processInfo.environment, errors: "\(directory)/\(node).stderr")
        }
        defer { for process in processes { process.stop(grace: 30) } }
        let store = Counter(backend: backend, path: "\(directory)/feedwatch.db", server: server, database: database)

        let deadline = ContinuousClock.now + .seconds(1800)
        // Before the first daemon made the tables, there is nothing to count.
        while (try? store.count("SELECT count(*) FROM site WHERE baselined_at IS NOT NULL")) ?? 0 < sites {
            guard ContinuousClock.now < deadline, processes.allSatisfy(\.isRunning) else {
                throw BenchmarkError("the first cycle did not end; see \(directory)/*.stderr")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let firstCycle = Double(sites) / ((ContinuousClock.now - started) / .seconds(1))
        say("first cycle: \(sites) sites baselined, \(format(firstCycle, 0)) syncs/s")

        try store.countSyncs()
        Thread.sleep(forTimeInterval: 2)
        let cpuBefore = processes.reduce(0) { $0 + ProcessUsage.cpuSeconds($1.pid) }
        let serverBefore = server.map { _ in Self.postgresCPU() }
        let transactionsBefore = try store.transactions()
        let syncsBefore = try store.count("SELECT count(*) FROM bench_sync")
        let quietStart = ContinuousClock.now
        Thread.sleep(forTimeInterval: Double(2 * interval))
        let quietSeconds = (ContinuousClock.now - quietStart) / .seconds(1)
        let syncs = try store.count("SELECT count(*) FROM bench_sync") - syncsBefore
        let figures = Figures(
            label: backend == .sqlite ? "SQLite" : "PostgreSQL", daemons: daemons, firstCycle: firstCycle,
            quietSyncs: syncs, quietSeconds: quietSeconds,
            daemonCPU: processes.reduce(0) { $0 + ProcessUsage.cpuSeconds($1.pid) } - cpuBefore,
            serverCPU: serverBefore.map { Self.postgresCPU() - $0 },
            transactions: try store.transactions().flatMap { after in transactionsBefore.map { after - $0 } })
        say("quiet: \(syncs) syncs in \(format(quietSeconds, 1)) s; \(figures.row)")
        if backend == .postgresql {
            say("shares: " + (try server?.psql("SELECT last_node || ' ' || count(*) FROM site GROUP BY last_node ORDER BY last_node",
                                               database: database ?? "") ?? "").split(separator: "\n").joined(separator: ", "))
        }
        return figures
    }

    private func writeConfiguration(node: String, server: PostgresServer?, database: String?) throws -> String {
        let store = if let server, let database {
            #"{"url": "\#(server.socketURL(database: database))", "node": "\#(node)"}"#
        } else {
            #""\#(directory)/feedwatch.db""#
        }
        var text = "{\n  \"defaults\": {\"interval\": \(interval)},\n  \"database\": \(store),\n  \"sites\": [\n"
        for index in 0..<sites {
            text += "    {\"name\": \"cluster-\(index)\", \"url\": \"\(farm.url(site: index, https: false))\"}"
            text += index == sites - 1 ? "\n" : ",\n"
        }
        text += "  ]\n}\n"
        let path = "\(directory)/\(node).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The CPU seconds of every PostgreSQL server process (postmaster and backends) now alive.
    private static func postgresCPU() -> Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
        return pids.filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("postgres") == true
        }.reduce(0) { $0 + ProcessUsage.cpuSeconds($1) }
    }

    private func say(_ line: String) { printLine("[\(backend.rawValue) × \(daemons)] \(line)") }
}

/// Queries on the store the daemons use, and the trigger that counts syncs.
private struct Counter {
    let backend: ClusterRun.Backend
    let path: String
    let server: PostgresServer?
    let database: String?

    func count(_ sql: String) throws -> Int {
        if let server, let database { return Int(try server.psql(sql, database: database)) ?? 0 }
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        return try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: sql) } ?? 0
    }

    func countSyncs() throws {
        if let server, let database {
            try server.psql("""
                CREATE UNLOGGED TABLE bench_sync (at timestamptz NOT NULL DEFAULT now());
                CREATE FUNCTION bench_count_sync() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN INSERT INTO bench_sync DEFAULT VALUES; RETURN NEW; END $$;
                CREATE TRIGGER bench_count_sync AFTER UPDATE OF last_attempt_at ON site
                    FOR EACH ROW EXECUTE FUNCTION bench_count_sync();
                """, database: database)
        } else {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            try DatabaseQueue(path: path, configuration: configuration).write { db in
                try db.execute(sql: """
                    CREATE TABLE bench_sync (at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                    CREATE TRIGGER bench_count_sync AFTER UPDATE OF last_attempt_at ON site
                    BEGIN INSERT INTO bench_sync (at) VALUES (CURRENT_TIMESTAMP); END;
                    """)
            }
        }
    }

    /// Transactions committed or rolled back in the database so far (PostgreSQL).
    func transactions() throws -> Int? {
        guard let server, let database else { return nil }
        return Int(try server.psql(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", database: database))
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
