@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// `systemd/feedwatch.catalog` explains every event kind, and journalctl
/// accepts it (compiled into a scratch root, as `make install` does into /).
@Suite struct CatalogTests {
    private static let catalog = Fixture.repository.appendingPathComponent("systemd/feedwatch.catalog")

    private func journalctl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run("/usr/bin/journalctl", arguments)
    }

    @Test func everyEventKindHasAnEntryAndNoEntryIsForeign() throws {
        let text = try String(contentsOf: Self.catalog, encoding: .utf8)
        let ids = text.split(separator: "\n").filter { $0.hasPrefix("-- ") }.map { String($0.dropFirst(3)) }
        #expect(ids.sorted() == EventKind.allCases.map(\.messageID).sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func journalctlCompilesTheCatalogAndExplainsEachEvent() throws {
        let root = try TemporaryDirectory()
        let directory = root.path + "/usr/lib/systemd/catalog"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.catalog.path, toPath: directory + "/feedwatch.catalog")
        let update = try journalctl(["--root=\(root.path)", "--update-catalog"])
        #expect(update.status == 0, "\(update.output)")

        let listed = try journalctl(["--root=\(root.path)", "--list-catalog"]).output
        for kind in EventKind.allCases {
            let line = listed.split(separator: "\n").first { $0.hasPrefix(kind.messageID) }
            #expect(line?.contains(" feedwatch: ") == true, "\(kind) is not in the compiled catalog")
            let entry = try journalctl(["--root=\(root.path)", "--dump-catalog", kind.messageID]).output
            #expect(entry.contains("@FEEDWATCH_SITE@"), "\(kind): the entry names the site")
        }
    }
}
