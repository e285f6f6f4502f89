import FakeWordPress
import Foundation
import Testing
import TestSupport

/// `feedwatch status` (SPEC §3): each site's health from the database.
@Suite struct StatusCommandTests {
    @Test func statusShowsHealthyFailingAndUnsyncedSites() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let good = server.addSite(uniqueSiteName("status-ok"))
        good.addGeneratedPosts(3)
        let scratch = try TemporaryDirectory()
        let unreachable = "http://127.0.0.1:9/nothing/"
        let failing = uniqueSiteName("status-failing")
        let later = uniqueSiteName("status-later")
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(good.name)", "url": "\(good.url)", "interval": "10m"},
                       {"name": "\(failing)", "url": "\(unreachable)"},
                       {"name": "\(later)", "url": "\(good.url)"}]}
            """)
        let store = try TestDatabase(in: scratch)
        let database = store.location
        let poll = try Binary.run(["poll", "--config", config, "--database", database, good.name, failing])
        #expect(poll.status == 1, "one site fails")

        let text = try Binary.run(["status", "--config", config, "--database", database])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        // On PostgreSQL, then the nodes: here the one the poll acted as.
        #expect(lines.count == (TestDatabase.isPostgreSQL ? 10 : 7), "\(text.stdout)")
        #expect(lines[0] == "\(good.name)  \(good.url)  ok")
        #expect(lines[1].hasPrefix("  posts tracked: 3; last success: 20"))
        #expect(lines[1].contains("; next poll: about 20"), "ten minutes after the poll")
        #expect(lines[2] == "\(failing)  \(unreachable)  failing (1 in a row)")
        #expect(lines[3].hasPrefix("  posts tracked: 0; last success: never; next poll: about 20"), "after a backoff")
        #expect(lines[4].hasPrefix("  last error: \(unreachable): cannot reach the server"))
        #expect(lines[5] == "\(later)  \(good.url)  not synced yet")
        #expect(lines[6] == "  posts tracked: 0; last success: never; next poll: when feedwatch starts")
        if TestDatabase.isPostgreSQL, lines.count == 10 {
            #expect(lines[1].hasSuffix("; synced by \(lines[8].prefix { $0 != " " })"), "\(text.stdout)")
            #expect(lines[7] == "nodes:")
            #expect(lines[8].contains("  stopped (") && lines[8].contains(" poll)"), "the poll left: \(lines[8])")
            #expect(lines[9].hasSuffix("syncing now: 0; sites it synced last: 2"), "\(lines[9])")
        }

        let json = try Binary.run(["status", "--config", config, "--database", database, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["channels"] as? [Any] != nil)
        let rows = try #require(report["sites"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == [good.name, failing, later])
        #expect(rows.map { $0["posts_tracked"] as? Int } == [3, 0, 0])
        #expect(rows.map { $0["failures_in_row"] as? Int } == [0, 1, 0])
        #expect((rows[1]["last_error"] as? String)?.contains("cannot reach the server") == true)
        #expect(rows[0]["next_poll"] is String && rows[2]["next_poll"] == nil)
    }
}
