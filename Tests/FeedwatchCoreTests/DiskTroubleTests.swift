import FakeWordPress
@testable import FeedwatchCore
import Foundation
import GRDB
import Testing
import TestSupport

/// A full disk under the database (a real tmpfs mount, so the tests run as
/// root): each sync fails with a clear error, nothing stored is damaged, and
/// the next sync after space is freed reports what was missed.
@Suite(.serialized, .sqliteDatabasesOnly) struct DiskTroubleTests {
    /// A tmpfs of `megabytes` mounted over a directory.
    private struct SmallDisk {
        let path: String

        init(over path: String, megabytes: Int) throws {
            self.path = path
            try Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path)
        }

        /// Fills what space is left with a file.
        func fill() throws {
            let filler = FileManager.default.createFile(atPath: path + "/filler", contents: nil)
            precondition(filler)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + "/filler"))
            let chunk = Data(count: 64 * 1024)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            try? handle.close()
        }

        func free() throws {
            try FileManager.default.removeItem(atPath: path + "/filler")
        }

        func unmount() {
            try? Self.run("/bin/umount", "-l", path)
        }

        private static func run(_ arguments: String...) throws {
            guard try ChildProcess.run(arguments[0], Array(arguments.dropFirst())).status == 0 else {
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) failed (root is needed)"])
            }
        }
    }

    /// A baselined site whose database lives on a small disk, and a post of it.
    private func baselinedSite(_ purpose: String) async throws -> (WatchedSite, SmallDisk, Int) {
        var disk: SmallDisk?
        var id = 0
        let harness = try WatchedSite(purpose, configure: { _, site, directory in
            disk = try SmallDisk(over: directory.path, megabytes: 4)
            id = site.addPost(title: "Kept", content: "<p>First words.</p>")
            site.addGeneratedPosts(20)
        })
        #expect(await harness.sync() == nil)
        return (harness, try #require(disk), id)
    }

    private func storedIsSound(_ harness: WatchedSite, post id: Int) async throws {
        let integrity = try await harness.engine.sqliteStore.read("integrity") { db in
            try String.fetchOne(db, sql: "PRAGMA integrity_check")
        }
        #expect(integrity == "ok")
        let first = try await harness.engine.store.versions(site: harness.name, postID: id, numbers: [1])
        #expect(first.first?.snapshot[.content].contains("First words.") == true)
    }

    @Test func aFullDiskFailsSyncsClearlyThenTheMissedEditIsReported() async throws {
        let (harness, disk, id) = try await baselinedSite("disk-full")
        defer { disk.unmount() }
        harness.site.edit(id, content: "<p>" + String(repeating: "Second words. ", count: 100_000) + "</p>")
        try disk.fill()
        let error = await harness.sync()
        #expect(error?.contains("disk is full") == true, "\(error ?? "no error")")
        #expect(await harness.sync()?.contains("disk is full") == true, "it keeps failing, and keeps trying")
        try await storedIsSound(harness, post: id)

        try disk.free()
        #expect(await harness.sync() == nil)
        let events = try JournalReader.entries(site: harness.name, atLeast: 2)
        #expect(events.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "revised"])
        try await storedIsSound(harness, post: id)
        await harness.shutdown()
    }
}
