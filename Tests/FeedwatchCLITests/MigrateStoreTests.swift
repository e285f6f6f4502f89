import FakeWordPress
import Foundation
import GRDB
import Testing
import TestSupport

/// `feedwatch migrate-store` copies an SQLite history, as polls stored it,
/// into an empty PostgreSQL database (a server of the test's own), where it
/// reads the same and goes on.
@Suite(.onceForBothBackends) struct MigrateStoreTests {
    private struct Scene {
        let server: FakeWordPressServer
        let site: FakeSite
        let scratch: TemporaryDirectory
        let config: String
        let postgres: PostgresServer
        let databaseName: String
        var sqlite: String { scratch.file("feedwatch.db") }
        var url: String { postgres.socketURL(database: databaseName) }

        /// The fixture post baselined, revised and silently edited; a channel
        /// nobody answers, so its notifications wait.
        init(_ purpose: String) throws {
            server = try FakeWordPressServer()
            site = server.addSite(uniqueSiteName(purpose))
            try site.addPost(Fixture.postData())
            site.addGeneratedPosts(2)
            scratch = try TemporaryDirectory()
            config = try scratch.write("feedwatch.json", """
                {"sites": [{"name": "\(site.name)", "url": "\(site.url)"}],
                 "notify": [{"name": "nobody", "webhook": "http://127.0.0.1:9/"}]}
                """)
            postgres = try PostgresServer()
            databaseName = try postgres.createDatabase()
            try poll(sqlite)
            site.edit(356473, title: "A new title", content: "First paragraph.\n\nSecond paragraph.")
            site.setModifiedTimestamp(356473, gmt: Date(timeIntervalSinceNow: -60))
            try poll(sqlite)
            site.edit(356473, content: "First paragraph.\n\nSecond paragraph, quietly changed.", bumpModified: false)
            try poll(sqlite, full: true)
        }

        func poll(_ database: String, full: Bool = false) throws {
            let result = try Binary.run(["poll", "--config", config, "--database", database] + (full ? ["--full"] : []))
            #expect(result.stderr.contains("nobody") || result.status == 0, "\(result.stderr)")
        }

        func run(_ arguments: [String], on database: String) throws -> Binary.Result {
            try Binary.run(arguments + ["--config", config, "--database", database])
        }
    }

    @Test func aCopiedHistoryReadsTheSameAndGoesOnWhereItStopped() throws {
        let scene = try Scene("migrate")
        defer { scene.server.stop() }
        let counts = try DatabaseQueue(path: scene.sqlite).read { db in
            try ["site", "post", "version", "content", "event", "delivery"].map {
                ($0, try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0)
            }
        }
        let migrated = try Binary.run(["migrate-store", "--from", scene.sqlite, "--to", scene.url])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        for (table, count) in counts {
            #expect(migrated.stdout.contains("\(table): \(count) rows copied, \(count) in PostgreSQL"), "\(migrated.stdout)")
        }
        #expect(counts.first { $0.0 == "version" }?.1 ?? 0 >= 5 && counts.first { $0.0 == "delivery" }?.1 == 2)

        for command in [["history", scene.site.name, "356473", "--json"], ["diff", scene.site.name, "356473"],
                        ["diff", scene.site.name, "356473", "--from", "1", "--to", "2"]] {
            let before = try scene.run(command, on: scene.sqlite)
            let after = try scene.run(command, on: scene.url)
            #expect(before.status == 0 && after.status == 0, "\(after.stderr)")
            #expect(after.stdout == before.stdout, "\(command)")
        }
        let status = try scene.run(["status", "--json"], on: scene.url)
        #expect(status.stdout.contains(#""backlog" : 2"#), "\(status.stdout)")

        scene.site.edit(356473, title: "After the move")
        try scene.poll(scene.url)
        let history = try scene.run(["history", scene.site.name, "356473"], on: scene.url)
        #expect(history.stdout.contains("4 versions"), "\(history.stdout)")
        let lastEvent = try DatabaseQueue(path: scene.sqlite).read { db in try Int.fetchOne(db, sql: "SELECT max(id) FROM event") } ?? 0
        #expect(try Int(scene.postgres.psql("SELECT max(id) FROM event", database: scene.databaseName)) ?? 0 > lastEvent)
        let instance = try DatabaseQueue(path: scene.sqlite).read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'instance'")
        }
        #expect(try scene.postgres.psql("SELECT value FROM meta WHERE key = 'instance'", database: scene.databaseName) == instance,
                "idempotency keys stay the same")

        let again = try Binary.run(["migrate-store", "--from", scene.sqlite, "--to", scene.url])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds 1 site; copy into a new, empty database"), "\(again.stderr)")
    }

    @Test func migrateStoreRefusesAnSQLiteTarget() throws {
        let scratch = try TemporaryDirectory()
        let result = try Binary.run(["migrate-store", "--from", scratch.file("a.db"), "--to", scratch.file("b.db")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a postgresql:// database"), "\(result.stderr)")
    }
}
