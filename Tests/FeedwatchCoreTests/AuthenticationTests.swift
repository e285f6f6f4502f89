import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Logging
import Locking
import Testing
import TestSupport

@Suite(.serialized) struct AuthenticationTests {
    private static let password = "abcd EFGH 1234 ijkl MNOP 6789"

    private func problems(_ json: String) -> [String] {
        do {
            _ = try ConfigurationLoader.parse(Array(json.utf8), source: "f.json")
            return []
        } catch {
            return error.lines
        }
    }

    @Test func authConfigurationIsCheckedAndInlinePasswordsRefused() throws {
        let configuration = try ConfigurationLoader.parse(Array(#"""
            {"sites": [
              {"url": "https://a.org/", "auth": {"username": "monitor", "passwordFile": "/etc/feedwatch/a.pass"}},
              {"url": "https://b.org/", "auth": {"username": "monitor", "credential": "b.pass"}}
            ]}
            """#.utf8), source: "f.json")
        #expect(configuration.sites[0].auth == SiteAuthentication(username: "monitor", secret: .file("/etc/feedwatch/a.pass")))
        #expect(configuration.sites[1].auth == SiteAuthentication(username: "monitor", secret: .credential("b.pass")))
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "auth": {"username": "u", "password": "hunter2"}}]}"#)
            .first?.hasPrefix("f.json: sites[0].auth.password: inline passwords are not allowed") == true)
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "auth": {"username": "u", "passwordFile": "a.pass"}}]}"#)
            == [#"f.json: sites[0].auth.passwordFile: "a.pass" must be an absolute path"#])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "auth": {"passwordFile": "/a"}}]}"#)
            == [#"f.json: sites[0].auth: missing "username": the WordPress user the application password belongs to"#])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "auth": {"username": "u", "passwordFile": "/a", "credential": "b"}}]}"#)
            == [#"f.json: sites[0].auth: give either "passwordFile" or "credential", not both"#])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "auth": {"username": "u", "passwrodFile": "/a"}}]}"#).first
            == #"f.json: sites[0].auth.passwrodFile: unknown key (did you mean "passwordFile"?)"#)
    }

    /// A local-environment site (where WordPress accepts application passwords
    /// over http) with a draft, and feedwatch's password written to a file.
    private func watched(
        password: String, secret: @escaping (TemporaryDirectory) throws -> SecretSource,
        environment: @escaping (TemporaryDirectory) -> [String: String] = { _ in [:] }, logger: Logger = Logger(label: "test")
    ) throws -> WatchedSite {
        try WatchedSite("auth", environment: environment, logger: logger, configure: { configuration, site, directory in
            site.environmentType = "local"
            site.addApplicationPassword(user: "monitor", password: Self.password)
            site.addGeneratedPosts(3)
            site.addPost(title: "Embargoed", content: "<p>draft</p>", status: "draft")
            try directory.write("monitor.pass", password + "\n")
            configuration.auth = SiteAuthentication(username: "monitor", secret: try secret(directory))
        })
    }

    @Test func applicationPasswordShowsDraftsToFeedwatch() async throws {
        let harness = try watched(password: Self.password, secret: { .file($0.file("monitor.pass")) })
        #expect(await harness.sync() == nil)
        let baseline = try #require(try JournalReader.entries(site: harness.site.name).first)
        #expect(baseline["FEEDWATCH_POST_COUNT"] == "4", "the draft is watched too")
        let listings = harness.server.requests.filter { $0.target.contains("wp/v2/posts") }
        #expect(!listings.isEmpty)
        #expect(listings.allSatisfy { $0.authenticatedUser == "monitor" })
        #expect(listings.allSatisfy { $0.target.contains("status=any") && $0.target.contains("context=edit") })
        #expect(harness.server.requests.filter { !$0.target.contains("wp/v2/") }.allSatisfy { $0.header("authorization") == nil },
                "the password goes with REST requests only")
        await harness.shutdown()
    }

    @Test func credentialComesFromTheCredentialsDirectory() async throws {
        let harness = try watched(password: Self.password, secret: { _ in .credential("monitor.pass") },
                                  environment: { ["CREDENTIALS_DIRECTORY": $0.path] })
        #expect(await harness.sync() == nil)
        #expect(harness.server.requests.contains { $0.authenticatedUser == "monitor" })
        await harness.shutdown()
    }

    @Test func wrongPasswordIsAClearErrorThatNeverShowsThePassword() async throws {
        let wrong = "zzzz zzzz zzzz zzzz zzzz zzzz"
        let harness = try watched(password: wrong, secret: { .file($0.file("monitor.pass")) })
        let error = try #require(await harness.sync())
        #expect(error.contains("HTTP 401 (incorrect_password"), "\(error)")
        #expect(!error.contains("zzzz"))
        await harness.shutdown()
    }

    @Test func missingPasswordFileNamesTheFile() async throws {
        let harness = try watched(password: Self.password, secret: { _ in .file("/nonexistent/monitor.pass") })
        #expect(await harness.sync()
            == "application password: /nonexistent/monitor.pass: cannot read the file: No such file or directory")
        #expect(harness.server.requests.isEmpty)
        await harness.shutdown()
    }

    @Test func passwordIsNeverSentOverPlainHTTPToAnotherHost() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("p.pass", Self.password)
        let site = SiteConfiguration(name: uniqueSiteName("insecure"), url: "http://intranet.example.invalid/",
                                     auth: SiteAuthentication(username: "monitor", secret: .file(file)))
        let engine = try Engine(configuration: Configuration(source: "test", sites: [site]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let error = try #require(await engine.syncer(for: site).sync().error)
        #expect(error.hasPrefix("http://intranet.example.invalid/: refusing to send the application password over plain http"))
        await engine.shutdown()
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/", true), ("http://127.1.2.3/", true), ("http://localhost/", true),
        ("http://[::1]:80/", true), ("http://127.example.org/", false), ("http://127.0.0.1.example.org/", false),
        ("http://128.0.0.1/", false), ("http://127.0.0.256/", false), ("https://example.org/", false),
    ])
    func onlyThisMachinesOwnAddressesCountAsLoopback(url: String, isLoopback: Bool) {
        #expect(Loopback.isHost(of: url) == isLoopback, "\(url)")
    }

    @Test func everyAuthenticatedRequestRefusesPlainHTTPAndOtherOrigins() async throws {
        let credentials = HTTPCredentials(username: "monitor", password: Self.password)
        #expect(throws: WordPressError.self) { try SiteCredentials(credentials, siteURL: "http://intranet.example.invalid/") }
        let http = try HTTPClient()
        let client = WordPressClient(http: http, timeout: .seconds(5),
                                     credentials: try SiteCredentials(credentials, siteURL: "https://intranet.example.invalid/"))
        // The same host over plain http is another origin: nothing is sent.
        let root = RESTRoot("http://intranet.example.invalid/wp-json/")
        do {
            _ = try await client.restBase(of: "page", root: root)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.hasPrefix("http://intranet.example.invalid/wp-json/wp/v2/types: the REST API is on "
                + "http://intranet.example.invalid, not on the site's own https://intranet.example.invalid"), "\(error)")
        }
        do {
            _ = try await client.listPage(Listing(.everything, includesContent: false), root: root, type: "posts", page: 1)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("feedwatch sends the application password only to the site's own origin"))
        }
        await http.shutdown()
    }

    @Test(arguments: [
        ("https://Example.ORG/", "https://example.org:443/wp-json/", true),
        ("http://localhost/", "http://LOCALHOST:80/?rest_route=/", true),
        ("https://example.org./", "https://example.org/wp-json/", true),
        ("http://[::1]:8080/", "http://[::1]:8080/wp-json/", true),
        ("https://example.org/", "http://example.org/wp-json/", false),
        ("https://example.org/", "https://example.org:8443/wp-json/", false),
        ("https://example.org/", "https://www.example.org/wp-json/", false),
        ("https://example.org/", "https://example.org.evil.test/wp-json/", false),
        ("http://127.0.0.1:8080/", "http://127.0.0.2:8080/wp-json/", false),
        ("https://example.org/", "/wp-json/", false),
    ])
    func originsCompareSchemeHostAndPort(site: String, url: String, same: Bool) throws {
        let credentials = try SiteCredentials(HTTPCredentials(username: "u", password: "p"), siteURL: site)
        #expect(credentials.mayBeSent(to: url) == same, "\(site) vs \(url)")
    }

    /// A second fake WordPress host with a site of the same name, on another
    /// port of 127.0.0.1 (so another origin), signed in the same way.
    private func twin(of harness: WatchedSite) throws -> (server: FakeWordPressServer, site: FakeSite) {
        let server = try FakeWordPressServer()
        let site = server.addSite(harness.site.name)
        site.environmentType = "local"
        site.addApplicationPassword(user: "monitor", password: Self.password)
        site.addGeneratedPosts(3)
        return (server, site)
    }

    @Test func aRESTRootOnAnotherOriginNeverGetsThePassword() async throws {
        let harness = try watched(password: Self.password, secret: { .file($0.file("monitor.pass")) })
        let other = try twin(of: harness)
        harness.site.announcedRESTRoot = other.site.url + "wp-json/"
        let error = try #require(await harness.sync())
        #expect(error.hasPrefix("\(other.site.url)wp-json/: the REST API is on http://127.0.0.1:\(other.server.port), "
            + "not on the site's own http://127.0.0.1:\(harness.server.port)"), "\(error)")
        #expect(error.contains("set the site's \"url\" to its address on http://127.0.0.1:\(other.server.port)"))
        #expect(other.server.requests.isEmpty)
        // A REST root stored by an earlier feedwatch is held to the same rule at every request.
        let record = try await harness.engine.store.registerSite(name: harness.name, url: harness.site.url)
        try await harness.engine.store.saveRESTRoot(other.site.url + "wp-json/", siteID: record.id)
        #expect(await harness.sync()?.contains("the REST API is on http://127.0.0.1:\(other.server.port)") == true)
        #expect(other.server.requests.allSatisfy { $0.header("authorization") == nil })
        other.server.stop()
        await harness.shutdown()
    }

    @Test func aRESTRootOnAnotherOriginIsUsedAnonymouslyAndNamed() async throws {
        let messages = CapturedLogs()
        let harness = try WatchedSite("anonymous-elsewhere", logger: Logger(label: "test") { _ in messages })
        let other = try FakeWordPressServer()
        let api = other.addSite(harness.site.name)
        api.addGeneratedPosts(2)
        harness.site.announcedRESTRoot = api.url + "wp-json/"
        #expect(await harness.sync() == nil)
        #expect(other.requests.contains { $0.target.contains("wp/v2/posts") })
        #expect(messages.lines.contains("warning: the REST API is on http://127.0.0.1:\(other.port), not on the site's own "
            + "http://127.0.0.1:\(harness.server.port) (the front page's Link header names \(api.url)wp-json/); "
            + "using it, without credentials"), "\(messages.lines)")
        other.stop()
        await harness.shutdown()
    }

    @Test func aRedirectNeverCarriesThePasswordToAnotherOrigin() async throws {
        let harness = try watched(password: Self.password, secret: { .file($0.file("monitor.pass")) })
        let other = try twin(of: harness)
        harness.site.injectFault(.redirect(toOrigin: "http://127.0.0.1:\(other.server.port)"), times: 100)
        let error = try #require(await harness.sync())
        #expect(error.contains(": redirected to \(other.site.url)wp-json/wp/v2/"), "\(error)")
        #expect(error.contains("which was not sent the application password"))
        let followed = other.server.requests
        #expect(!followed.isEmpty, "libcurl followed the redirect")
        #expect(followed.allSatisfy { $0.header("authorization") == nil && $0.authenticatedUser == nil })
        #expect(harness.server.requests.contains { $0.header("authorization") != nil }, "the site itself got the password")
        other.server.stop()
        await harness.shutdown()
    }

    @Test func passwordFileReadableByOthersIsWarnedAbout() async throws {
        let messages = CapturedLogs()
        let harness = try watched(password: Self.password, secret: { directory in
            chmod(directory.file("monitor.pass"), 0o644)
            return .file(directory.file("monitor.pass"))
        }, logger: Logger(label: "test") { _ in messages })
        #expect(messages.lines.contains { $0.contains("monitor.pass (the application password of") && $0.contains("chmod 600") })
        await harness.shutdown()
    }

    @Test func aWebhookSecretReadableByOthersIsWarnedAboutAndNeverLogged() async throws {
        let messages = CapturedLogs()
        let directory = try TemporaryDirectory()
        let open = try directory.write("open.secret", "visible-to-all")
        chmod(open, 0o644)
        let closed = try directory.write("closed.secret", "for-feedwatch-only")
        chmod(closed, 0o600)
        let channels = [
            NotifyChannel(name: "open", target: .webhook(url: "https://hooks.example.org/a", secret: .file(open))),
            NotifyChannel(name: "closed", target: .webhook(url: "https://hooks.example.org/b", secret: .file(closed))),
        ]
        let engine = try Engine(configuration: Configuration(source: "test", sites: [], notify: channels),
                                databasePath: directory.file("feedwatch.db"), environment: [:],
                                logger: Logger(label: "test") { _ in messages })
        #expect(messages.lines.filter { $0.contains("readable by group or others") }
            == ["warning: \(open) (the webhook secret of notify channel open) is readable by group or others; "
                + "chmod 600 it, or chmod 640 with a group only feedwatch belongs to"])
        #expect(!messages.lines.contains { $0.contains("visible-to-all") || $0.contains("for-feedwatch-only") })
        await engine.shutdown()
    }
}

/// Collects log messages, to check what an administrator would be told.
final class CapturedLogs: LogHandler, @unchecked Sendable {
    private let storage = Locked<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var lines: [String] { storage.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        storage.withLock { $0.append("\(event.level): \(event.message)") }
    }
}
