import Foundation
import Testing
import TestSupport

/// feedwatch watching the real WordPress as two sites of one configuration:
/// anonymous (what visitors see) and with the application password (what
/// authors write), posts and pages, in a database of its own (TestDatabase:
/// SQLite, or PostgreSQL when the suites run on it). It runs the
/// built binary (`poll --full`), as an administrator would, and reads the
/// events back from the journal, each site by its own name.
final class Watch {
    let wordpress: RealWordPress
    let anonymous: String
    let authenticated: String
    let config: String
    private let store: TestDatabase
    var database: String { store.location }
    private let scratch: TemporaryDirectory
    /// Events already looked at, per site: `newEvents()` returns the rest.
    private var seen: [String: Int] = [:]

    var sites: [String] { [anonymous, authenticated] }

    init(_ wordpress: RealWordPress, _ purpose: String) throws {
        self.wordpress = wordpress
        scratch = try TemporaryDirectory()
        anonymous = uniqueSiteName("wp-\(purpose)-anon")
        authenticated = uniqueSiteName("wp-\(purpose)-auth")
        let passwordFile = try scratch.write("monitor.pass", wordpress.applicationPassword)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile)
        config = try scratch.write("feedwatch.json", """
            {"defaults": {"types": ["posts", "pages"], "timeout": "60s"},
             "sites": [
               {"name": "\(anonymous)", "url": "\(wordpress.url)"},
               {"name": "\(authenticated)", "url": "\(wordpress.url)",
                "auth": {"username": "\(wordpress.username)", "passwordFile": "\(passwordFile)"}}]}
            """)
        store = try TestDatabase(in: scratch)
    }

    /// `feedwatch poll --full` (or, not `full`, the incremental `poll` the
    /// daemon runs at every interval) of both sites; fails the test on a
    /// non-zero exit.
    /// - Returns: the seconds it took.
    @discardableResult
    func poll(full: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
        let started = Date()
        let result = try Binary.run(["poll"] + (full ? ["--full"] : []) + ["--config", config, "--database", database],
                                    timeout: 300)
        #expect(result.status == 0, "feedwatch poll\(full ? " --full" : ""): \(result.stderr)", sourceLocation: sourceLocation)
        return Date().timeIntervalSince(started)
    }

    /// The first poll: one `baseline` per site and nothing else; then a second
    /// full poll, whose own events (there should be none: `QuietSiteTests`)
    /// are set aside, so that a scenario sees only what its change caused.
    func baseline(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try poll(sourceLocation: sourceLocation)
        for site in sites {
            #expect(try newEvents(site).map(\.kind) == ["baseline"], "\(site)", sourceLocation: sourceLocation)
        }
        try poll(sourceLocation: sourceLocation)
        for site in sites { _ = try newEvents(site) }
    }

    /// Events of `site` not returned before.
    func newEvents(_ site: String) throws -> [JournalEvent] {
        let events = try JournalEvents.all(site: site)
        let fresh = Array(events.dropFirst(seen[site] ?? 0))
        seen[site] = events.count
        return fresh
    }

    /// `feedwatch diff SITE POST_ID`: the last two versions, as text.
    func diff(_ site: String, _ postID: Int) throws -> String {
        let result = try Binary.run(["diff", "--config", config, "--database", database, site, String(postID)])
        return result.stdout + result.stderr
    }

    /// Polls as the daemon does, incrementally (changed posts by
    /// `modified_after`, then fetched by id: other URLs than the full
    /// listing's), then `--full` (which re-reads every post, where a post
    /// fetched by another URL differs), and checks that each site reported
    /// exactly `expected` (`"revised posts/12"`, in any order). On a
    /// mismatch, the message shows every unexpected event with the markup
    /// that differed and feedwatch's diff.
    func expectAfterChange(
        _ expected: [String: [String]], _ scenario: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try poll(full: false, sourceLocation: sourceLocation)
        try poll(sourceLocation: sourceLocation)
        for site in sites {
            let events = try newEvents(site)
            let wanted = (expected[site] ?? []).sorted()
            let got = events.map(\.key).sorted()
            #expect(got == wanted, "\(scenario), \(site):\n\(report(events, wanted: wanted, site: site))",
                    sourceLocation: sourceLocation)
        }
    }

    /// Every event not in `wanted`, with what feedwatch stored and diffed.
    func report(_ events: [JournalEvent], wanted: [String], site: String) -> String {
        var remaining = wanted
        var lines: [String] = []
        for event in events {
            if let index = remaining.firstIndex(of: event.key) {
                remaining.remove(at: index)
                continue
            }
            lines.append("UNEXPECTED \(event.message) [\(event.changedFields ?? "")]")
            if let id = event.postID {
                lines.append("  stored markup that differed:\n" + StoredMarkup.lastChange(database: database, site: site, postID: id))
                lines.append("  feedwatch diff:\n" + ((try? diff(site, id)) ?? "(failed)"))
            }
        }
        lines += remaining.map { "MISSING \($0)" }
        return lines.joined(separator: "\n")
    }

    /// `posts/ID` of a seeded key.
    func post(_ key: String) -> String { "posts/\(wordpress.ids[key] ?? -1)" }
    func page(_ key: String) -> String { "pages/\(wordpress.ids[key] ?? -1)" }
}

extension Watch {
    /// A scenario: baseline, then `step`.
    func scenario(
        _ scenario: String, anonymous: [String], authenticated: [String],
        sourceLocation: SourceLocation = #_sourceLocation, change: () throws -> Void
    ) throws {
        try baseline(sourceLocation: sourceLocation)
        try step(scenario, anonymous: anonymous, authenticated: authenticated, sourceLocation: sourceLocation, change: change)
    }

    /// `change`, then exactly `anonymous` and `authenticated` events
    /// (`expectAfterChange`). Saves the markup the change altered as fixtures
    /// named for `scenario` when recording.
    func step(
        _ scenario: String, anonymous: [String], authenticated: [String],
        sourceLocation: SourceLocation = #_sourceLocation, change: () throws -> Void
    ) throws {
        let before = try RenderedFixtures.take(wordpress)
        let started = Date()
        try change()
        let after = try RenderedFixtures.take(wordpress)
        try RenderedFixtures.save(scenario, before: before, after: after, ids: wordpress.ids)
        try expectAfterChange([self.anonymous: anonymous, self.authenticated: authenticated], scenario,
                              sourceLocation: sourceLocation)
        print("\(scenario): change and two polls \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
