@testable import FeedwatchCore
import Logging
import Testing
import TestSupport

@Suite struct EventReporterTests {
    @Test func concurrentFlushesWriteEachEventExactlyOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("feedwatch.db"))
        let reporter = EventReporter(store: store, journal: JournalWriter(destination: .journal), logger: Logger(label: "test"))
        let names = (0..<20).map { uniqueSiteName("flush-\($0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    let site = try await store.registerSite(name: name, url: "https://a.org/")
                    try await reporter.flush(after: store.recordSuccess(of: site))
                }
            }
            try await group.waitForAll()
        }
        for name in names {
            // Wait for the entry, then make sure no second one follows.
            #expect(try JournalReader.entries(site: name).count == 1)
        }
        try await Task.sleep(for: .milliseconds(300))
        for name in names {
            #expect(try JournalReader.read(match: "FEEDWATCH_SITE=\(name)").count == 1, "\(name)")
        }
        #expect(try await store.unemittedEvents().isEmpty)
    }
}
