@testable import FeedwatchCore
import Foundation
import Locking
import Testing
import TestSupport

/// libpq through `PostgresPool`, against a server of the suite's own.
@Suite(.serialized)
struct PostgresConnectionTests {
    private func pool(_ settings: [(String, String)], capacity: Int) -> PostgresPool {
        PostgresPool(capacity: capacity) { settings }
    }

    @Test func aPoolConnectsOverTheSocketAndOverTCPWithThePassword() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let overSocket = pool([("dbname", server.socketURL(database: database))], capacity: 2)
        let overTCP = pool([("dbname", server.tcpURL(database: database)), ("password", server.password)], capacity: 2)
        for pool in [overSocket, overTCP] {
            let answer = try await pool.withConnection { try $0.query("SELECT $1::int + 1 AS n", [41]).first?.int("n") }
            #expect(answer == 42)
        }
    }

    @Test func aWrongPasswordIsRefusedWithTheServersReason() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let pool = pool([("dbname", server.tcpURL(database: database)), ("password", "wrong")], capacity: 1)
        await #expect {
            try await pool.withConnection { _ = try $0.query("SELECT 1") }
        } throws: { error in
            "\(error)".contains("password authentication failed for user \"feedwatch\"")
        }
    }

    @Test func textNullsAndBytesComeBackAsSent() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let pool = pool([("dbname", server.socketURL(database: database))], capacity: 1)
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff]
        let text = "é e\u{301} ✓ 'quoted' \\ $1"
        let none: String? = nil
        let row = try await pool.withConnection { connection in
            let result = try connection.query("SELECT $1::bytea AS b, $2::text AS t, $3::text AS n, $4::bool AS f",
                                              [Data(bytes), text, none, false])
            return result.first.map { ($0.bytes("b"), $0.string("t"), $0.string("n"), $0.bool("f")) }
        }
        #expect(row?.0 == bytes)
        #expect(row?.1 == text)
        #expect(row?.2 == nil)
        #expect(row?.3 == false)
    }

    @Test func anIdleConnectionTheServerClosedIsReplacedBeforeUse() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let pool = pool([("dbname", server.socketURL(database: database))], capacity: 1)
        let backend = { try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS pid").first?.int("pid") } }
        let before = try await backend()
        #expect(before != nil)
        try server.stop()
        try server.start()
        let after = try await backend()
        #expect(after != nil && after != before, "the first use after the restart is on a new connection")
    }

    @Test func aStatementCutShortByARestartFailsAndTheNextOneReconnects() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let pool = pool([("dbname", server.socketURL(database: database))], capacity: 1)
        let sleeping = Task { try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(30)") } }
        try await Task.sleep(for: .milliseconds(500))
        try server.stop()
        await #expect(throws: PostgresError.self) { try await sleeping.value }
        try server.start()
        #expect(try await pool.withConnection { try $0.query("SELECT 2 AS n").first?.int("n") } == 2)
    }

    @Test func aPoolThatCannotConnectWaitsBeforeTryingAgain() async throws {
        let port = try LoopbackPort.free()  // nothing listens there
        let attempts = Locked(0)
        let pool = PostgresPool(capacity: 4) {
            attempts.withLock { $0 += 1 }
            return [("dbname", "postgresql://feedwatch@127.0.0.1:\(port)/none"), ("connect_timeout", "2")]
        }
        var failures: [String] = []
        for _ in 0..<20 {
            do { _ = try await pool.withConnection { _ in 0 } } catch { failures.append("\(error)") }
        }
        #expect(failures.count == 20)
        #expect(attempts.withLock { $0 } <= 2, "20 callers in a row, \(attempts.withLock { $0 }) attempts to connect")
        #expect(failures.last?.contains("(connecting again within 1s)") == true, "\(failures.last ?? "")")
        try await Task.sleep(for: .milliseconds(600))  // past a backoff of 0.25 or 0.5 s
        let before = attempts.withLock { $0 }
        _ = try? await pool.withConnection { _ in 0 }
        #expect(attempts.withLock { $0 } == before + 1, "tried again once the backoff ran out")
    }

    @Test func aFailedTransactionLeavesNothing() async throws {
        let server = try PostgresServer()
        let database = try server.createDatabase()
        let pool = pool([("dbname", server.socketURL(database: database))], capacity: 1)
        try await pool.withConnection { try $0.execute("CREATE TABLE t (v int PRIMARY KEY)") }
        await #expect(throws: PostgresError.self) {
            try await pool.transaction { connection in
                for _ in 0..<2 { try connection.run("INSERT INTO t VALUES ($1)", [1]) }
            }
        }
        #expect(try server.psql("SELECT count(*) FROM t", database: database) == "0")
    }
}
