import FakeWordPress
import Foundation
import Testing
import TestSupport

@Suite struct PollCommandTests {
    @Test func pollReportsBaselineThenRevisionThroughTheJournal() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let name = uniqueSiteName("cli-poll")
        let site = server.addSite(name)
        try site.addPost(Fixture.postData())
        site.addGeneratedPosts(4)
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(name)", "url": "\#(site.url)"}]}"#)
        let database = try TestDatabase(in: scratch)
        let arguments = ["poll", "--config", config, "--database", database.location]

        let first = try Binary.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try JournalReader.entries(site: name).map { $0["FEEDWATCH_EVENT"] } == ["baseline"])

        site.edit(356473, content: "<p>Edited.</p>")
        let second = try Binary.run(arguments + [name])
        #expect(second.status == 0, "\(second.stderr)")
        let entries = try JournalReader.entries(site: name, atLeast: 2)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "revised"])
        #expect(entries.last?["FEEDWATCH_VERSION"] == "2")
        #expect(entries.last?["_COMM"] == "feedwatch")
    }

    @Test func failingSiteGivesExitOneAndNamesTheSite() throws {
        let server = try FakeWordPressServer()
        let url = "http://127.0.0.1:\(server.port)/gone/"
        server.stop()
        let scratch = try TemporaryDirectory()
        let name = uniqueSiteName("cli-fail")
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(name)", "url": "\#(url)"}]}"#)
        let database = try TestDatabase(in: scratch)
        let result = try Binary.run(["poll", "--config", config, "--database", database.location])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(name): \(url): cannot reach the server"))
    }

    @Test func unknownSiteNameIsAUsageError() throws {
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "known", "url": "https://a.org/"}]}"#)
        let result = try Binary.run(["poll", "--config", config, "--database", "\(scratch.path)/f.db", "unknown"])
        #expect(result.status == 64)
        #expect(result.stderr.contains(#"no site named "unknown""#))
    }
}
