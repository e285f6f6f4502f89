import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Logging
import Testing
import TestSupport

@Suite struct PolitenessTests {
    @Test func backoffDoublesPerFailureUpToTheCapWithJitter() {
        let interval = Duration.seconds(300)
        #expect(Backoff.delay(failures: 1, interval: interval, retryAfter: nil, jitter: 0.999) <= .seconds(300))
        #expect(Backoff.delay(failures: 1, interval: interval, retryAfter: nil, jitter: 0) == .seconds(150))
        #expect(Backoff.delay(failures: 3, interval: interval, retryAfter: nil, jitter: 0.999) <= .seconds(1200))
        #expect(Backoff.delay(failures: 3, interval: interval, retryAfter: nil, jitter: 0) == .seconds(600))
        #expect(Backoff.delay(failures: 40, interval: interval, retryAfter: nil, jitter: 0.999) <= Backoff.cap)
        #expect(Backoff.delay(failures: 40, interval: .seconds(7200), retryAfter: nil, jitter: 0.999) <= .seconds(7200))
    }

    @Test func retryAfterIsNeverCutShort() {
        #expect(Backoff.delay(failures: 1, interval: .seconds(10), retryAfter: .seconds(120), jitter: 0) == .seconds(120))
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:51:37 GMT", now: now) == .seconds(120))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("99999999") == RetryAfter.maximum)
        #expect(RetryAfter.parse("soon") == nil)
    }

    @Test func a503WithRetryAfterHoldsTheSiteBack() async throws {
        let server = try FakeWordPressServer()
        let name = uniqueSiteName("retry-after")
        let site = server.addSite(name)
        site.addGeneratedPosts(2)
        site.injectFault(.status(503, retryAfter: "3"))
        let directory = try TemporaryDirectory()
        var watched = SiteConfiguration(name: name, url: site.url)
        watched.interval = .milliseconds(200)
        let engine = try Engine(configuration: Configuration(source: "test", sites: [watched]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let task = Task { await Scheduler(syncers: [engine.syncer(for: watched)], logger: Logger(label: "test")).run() }
        try await Task.sleep(for: .milliseconds(1800))
        task.cancel()
        await task.value
        // At a 200 ms interval the site would have been asked about eight times.
        let listings = server.requests.filter { $0.target.contains("wp/v2/posts") }
        #expect(listings.count == 1, "\(listings.map(\.target))")
        await engine.shutdown()
        server.stop()
    }
}
