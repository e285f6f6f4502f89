import FakeWordPress
@testable import FeedwatchCore
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

/// What real servers send, from one site of two: the hostile site fails with one
/// clear error (or is tolerated), its stored data stays as it was, and the
/// other site on the same server goes on being watched.
@Suite(.serialized) struct HostileServerTests {
    private struct Farm {
        let server: FakeWordPressServer
        let hostile: FakeSite
        let healthy: FakeSite
        let directory: TemporaryDirectory
        let engine: Engine

        init(_ purpose: String, timeout: Duration = .seconds(30)) async throws {
            server = try FakeWordPressServer()
            hostile = server.addSite(uniqueSiteName("\(purpose)-bad"))
            healthy = server.addSite(uniqueSiteName("\(purpose)-ok"))
            hostile.addGeneratedPosts(3)
            healthy.addGeneratedPosts(3)
            directory = try TemporaryDirectory()
            let sites = [hostile, healthy].map { SiteConfiguration(name: $0.name, url: $0.url, timeout: timeout) }
            engine = try Engine(configuration: Configuration(source: "test", sites: sites),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
            let failures = await Poller(syncers: sites.map(engine.syncer)).pollOnce()
            #expect(failures.isEmpty, "\(failures)")
        }

        /// Edits one post on each site, polls both, returns the hostile site's error.
        func pollAfterEdits() async throws -> String? {
            healthy.edit(1, title: "Healthy edit")
            hostile.edit(1, title: "Hostile edit")
            let failures = await Poller(syncers: engine.configuration.sites.map(engine.syncer)).pollOnce()
            #expect(!failures.contains { $0.site == healthy.name }, "\(failures)")
            let revised = try JournalReader.entries(site: healthy.name, atLeast: 2).filter { $0["FEEDWATCH_EVENT"] == "revised" }
            #expect(revised.count == 1, "the healthy site's edit is reported")
            return failures.first { $0.site == hostile.name }?.error
        }

        /// Every stored version of the hostile site, to prove nothing changed.
        func hostileVersions() async throws -> [String] {
            let name = hostile.name
            return try await engine.sqliteStore.read("versions") { db in
                try String.fetchAll(db, sql: """
                    SELECT v.post_id || ':' || v.number || ':' || v.hash FROM version v JOIN site s ON s.id = v.site_id
                    WHERE s.name = ? ORDER BY 1
                    """, arguments: [name])
            }
        }

        func shutdown() async {
            await engine.shutdown()
            server.stop()
        }
    }

    @Test(arguments: [
        (FakeFault.htmlInsteadOfJSON, "the server sent HTML instead of JSON"),
        (.truncatedBody, "the connection closed before the whole response arrived"),
        (.dropConnection, "cannot reach the server"),
        (.status(401), "HTTP 401"),
        (.status(500), "HTTP 500"),
        (.redirectLoop, "more than 5 redirects"),
        (.invalidUTF8, "the body is not valid UTF-8"),
        (.wrongTypes, "of the wrong type"),
        (.oversizedBody(bytes: 40 << 20), "the response is larger than the limit of 33554432 bytes"),
    ])
    func faultGivesOneClearErrorAndChangesNothing(fault: FakeFault, expected: String) async throws {
        let farm = try await Farm("fault")
        let before = try await farm.hostileVersions()
        // Every request, not a few: libcurl rightly retries a request once when a
        // reused keep-alive connection turns out dead, which can absorb a dropped one.
        farm.hostile.injectFault(fault, times: 100)
        let error = try #require(try await farm.pollAfterEdits())
        #expect(error.contains(expected), "\(error)")
        #expect(error.contains(farm.hostile.url), "the error names the address: \(error)")
        #expect(try await farm.hostileVersions() == before)
        await farm.shutdown()
    }

    @Test func aServerSendingOneByteASecondTimesOut() async throws {
        let farm = try await Farm("slow", timeout: .seconds(2))
        let before = try await farm.hostileVersions()
        farm.hostile.injectFault(.slowBody(bytesPerSecond: 1), times: 3)
        let start = ContinuousClock.now
        let error = try #require(try await farm.pollAfterEdits())
        #expect(error.contains("no complete answer within 2s"), "\(error)")
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(try await farm.hostileVersions() == before)
        await farm.shutdown()
    }

    @Test func restDisabledByASecurityPluginSaysSo() async throws {
        let farm = try await Farm("disabled")
        farm.hostile.restDisabled = true
        let error = try #require(try await farm.pollAfterEdits())
        #expect(error.contains("HTTP 401 (rest_cannot_access"), "\(error)")
        #expect(error.contains("refuses anonymous REST requests"), "\(error)")
        await farm.shutdown()
    }

    @Test func restRemovedEverywhereAsksWhetherThisIsWordPress() async throws {
        let farm = try await Farm("removed")
        farm.hostile.restRemoved = true
        let error = try #require(try await farm.pollAfterEdits())
        #expect(error.contains("no WordPress REST API found"), "\(error)")
        await farm.shutdown()
    }

    @Test func oneRequestAtATimePerSite() async throws {
        let farm = try await Farm("polite")
        farm.hostile.addGeneratedPosts(450)
        _ = await Poller(syncers: farm.engine.configuration.sites.map(farm.engine.syncer)).pollOnce(full: true)
        #expect(farm.server.maximumConcurrentRequests(forSite: farm.hostile) == 1)
        await farm.shutdown()
    }

    @Test(arguments: [FakeFault.byteOrderMark, .phpWarning])
    func noiseBeforeValidJSONIsTolerated(fault: FakeFault) async throws {
        let farm = try await Farm("noise")
        farm.hostile.injectFault(fault, times: 2)
        #expect(try await farm.pollAfterEdits() == nil)
        let events = try JournalReader.entries(site: farm.hostile.name, atLeast: 2).compactMap { $0["FEEDWATCH_EVENT"] }
        #expect(events == ["baseline", "revised"])
        await farm.shutdown()
    }

    @Test func aPagePastTheEndEndsTheListingInsteadOfFailing() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("past-end"))
        site.addGeneratedPosts(3)
        let http = try HTTPClient()
        let client = WordPressClient(http: http, timeout: .seconds(10))
        let root = RESTRoot(site.url + "wp-json/")
        let listing = Listing(.everything, includesContent: false)
        guard case .page(let first) = try await client.listPage(listing, root: root, type: "posts", page: 1) else {
            Issue.record("expected the first page")
            return
        }
        #expect(first.posts.count == 3)
        guard case .end = try await client.listPage(listing, root: root, type: "posts", page: 2) else {
            Issue.record("expected the end of the listing")
            return
        }
        #expect(server.requests.last?.target.contains("page=2") == true)
        await http.shutdown()
        server.stop()
    }

    @Test func refusedConnectionIsOneSiteError() async throws {
        let server = try FakeWordPressServer()
        let url = "http://127.0.0.1:\(server.port)/nothing-here/"
        server.stop()
        let directory = try TemporaryDirectory()
        let site = SiteConfiguration(name: uniqueSiteName("refused"), url: url)
        let engine = try Engine(configuration: Configuration(source: "test", sites: [site]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let error = try #require(await engine.syncer(for: site).sync().error)
        #expect(error.hasPrefix("\(url): cannot reach the server"), "\(error)")
        await engine.shutdown()
    }

    @Test func selfSignedCertificateIsRefusedAndSaysSo() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let directory = try TemporaryDirectory()
        let site = SiteConfiguration(name: uniqueSiteName("tls"), url: "https://127.0.0.1:\(tls.port)/")
        let engine = try Engine(configuration: Configuration(source: "test", sites: [site]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let error = try #require(await engine.syncer(for: site).sync().error)
        #expect(error.contains("TLS failed, the certificate was not accepted"), "\(error)")
        await engine.shutdown()
    }
}
