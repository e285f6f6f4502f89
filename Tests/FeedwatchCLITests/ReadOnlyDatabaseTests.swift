import FakeWordPress
import Foundation
import GRDB
import Testing
import TestSupport

/// A database feedwatch may not write (owned by another user, as after a
/// restore from backup): a clear error naming the file, and the file untouched.
@Suite(.sqliteDatabasesOnly) struct ReadOnlyDatabaseTests {
    @Test func aDatabaseOfAnotherUserIsAClearErrorAndStaysUntouched() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("ro-db"))
        let id = site.addPost(title: "Kept", content: "<p>Kept</p>")
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
        let database = scratch.file("feedwatch.db")
        let arguments = ["poll", "--config", config, "--database", database]
        #expect(try Binary.run(arguments).status == 0)
        // Readable by all, writable by root only; the directory too.
        #expect(chmod(scratch.path, 0o755) == 0 && chmod(config, 0o644) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        site.edit(id, content: "<p>Changed</p>")

        let result = try Binary.run(["--reuid=65534", "--regid=65534", "--clear-groups", "--", Binary.url.path] + arguments,
                                    executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("database \(database): opening the database failed: attempt to write a readonly "
            + "database (the database or its directory is read-only for this user)"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        let integrity = try DatabaseQueue(path: database).read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }
}
