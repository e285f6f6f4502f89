import FeedwatchCore
import Foundation
import GRDB

// What storing every version costs, with posts of the fixture's size: ingest
// into an empty database, revisions, database bytes against the raw JSON of
// the distinct versions held, and the latency of `history` and `diff` on a
// post with many versions (in-process, and the built binary as a user runs it).
//
//   swift run -c release history-benchmark [POSTS] [REVISIONS] [VERSIONS]     (default 100000 10000 1000)

let arguments = CommandLine.arguments
let postCount = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let revisionCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let versionCount = max(2, arguments.count > 3 ? Int(arguments[3]) ?? 1000 : 1000)

let fixtureURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/wp-post-356473.json")
let fixtureJSON = try Data(contentsOf: fixtureURL)
let fixture = try JSONDecoder().decode(WordPressPost.self, from: fixtureJSON)
let fixtureContent = fixture.content ?? ""
/// The raw JSON of a variant as WordPress serves it: the fixture's, with
/// `added` (ASCII markup) in its content, escaped as PHP's `json_encode` does
/// (`/` as `\/`, a line break as `\n`).
func rawJSONSize(added: String) -> Int {
    fixtureJSON.count + added.utf8.count + added.utf8.count { $0 == UInt8(ascii: "/") || $0 == 0x0A || $0 == 0x22 }
}

let normalizer = ContentNormalizer(ignorePatterns: [])
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-history-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let databasePath = directory.appendingPathComponent("feedwatch.db").path

/// What a variant adds to the fixture's content, so that every content differs.
func addition(_ id: Int, revision: Int) -> String { "<p>Post \(id), revision \(revision).</p>\n" }

func variant(_ id: Int, revision: Int = 0) -> WordPressPost {
    var post = fixture
    post.id = id
    post.title = "\(fixture.title ?? "") (\(id))"
    post.content = addition(id, revision: revision) + fixtureContent
    post.modifiedGMT = String(format: "2025-%02d-%02dT%02d:%02d:%02d", 1 + revision / 100_000 % 12, 1 + revision / 3600 % 28,
                              revision / 60 % 24, revision % 60, id % 60)
    return post
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var store: SQLiteStore? = try SQLiteStore(path: databasePath)
let site = try await store!.registerSite(name: "benchmark", url: "https://bench.example/")
let clock = ContinuousClock()
var rawBytes = 0

/// Stores `page` once the page before is committed, as a sync does (`PageWrites`):
/// the next page is normalized and hashed while this one is written.
@MainActor func record(_ page: [FetchedPost], with writes: PageWrites) async throws {
    let store = store!
    try await writes.start { () async throws(StoreError) in _ = try await store.record(page, type: "posts", site: site) }
}

// 1. Ingest: decoded posts → normalized and hashed → stored, a page of 100 per transaction.
var start = clock.now
let writes = PageWrites()
for first in stride(from: 1, through: postCount, by: 100) {
    let page = await FetchedPost.fingerprinting((first..<min(first + 100, postCount + 1)).map { variant($0) },
                                                normalizer: normalizer)
    try await record(page, with: writes)
}
try await writes.finish()
_ = try await store!.recordSuccess(of: site)
let ingest = seconds(clock.now - start)
for id in 1...postCount { rawBytes += rawJSONSize(added: addition(id, revision: 0) + " (\(id))") }

@MainActor func databaseBytes() throws -> Int {
    store = nil  // closing checkpoints the WAL into the file
    let size = try DatabaseQueue(path: databasePath).read { db in
        try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
    }
    store = try SQLiteStore(path: databasePath)
    return size
}
let afterIngest = try databaseBytes()

// 2. Revisions: one each of `revisionCount` posts spread over the collection.
start = clock.now
let step = max(1, postCount / max(1, revisionCount))
let revised = (0..<revisionCount).map { 1 + ($0 * step) % postCount }
for first in stride(from: 0, to: revised.count, by: 100) {
    let page = await FetchedPost.fingerprinting(revised[first..<min(first + 100, revised.count)].map { variant($0, revision: 1) },
                                                normalizer: normalizer)
    try await record(page, with: writes)
}
try await writes.finish()
let revising = seconds(clock.now - start)
for id in revised { rawBytes += rawJSONSize(added: addition(id, revision: 1) + " (\(id))") }
let afterRevisions = try databaseBytes()

// 3. One post with `versionCount` versions, each a small edit.
let busy = postCount + 1
for revision in 0..<versionCount {
    var post = variant(busy, revision: revision)
    let edits = String(repeating: "<p>Edit.</p>", count: revision % 7)
    post.content = (post.content ?? "") + edits
    _ = try await store!.record([FetchedPost(post, normalizer: normalizer)], type: "posts", site: site)
    rawBytes += rawJSONSize(added: addition(busy, revision: revision) + " (\(busy))" + edits)
}
let total = try databaseBytes()

var historyTimes: [Double] = []
var diffTimes: [Double] = []
for _ in 0..<20 {
    start = clock.now
    let history = try await store!.history(site: "benchmark", postID: busy)
    historyTimes.append(seconds(clock.now - start))
    start = clock.now
    let numbers = history.map { Array($0.versions.suffix(2).map(\.version)) } ?? []
    let versions = try await store!.versions(site: "benchmark", postID: busy, numbers: numbers)
    _ = PostDiff(site: "benchmark", postID: busy, from: versions[0], to: versions[1]).text
    diffTimes.append(seconds(clock.now - start))
}

/// The built `feedwatch` beside this executable, run as a user runs it.
func commandTime(_ arguments: [String]) throws -> Double {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch")
    var times: [Double] = []
    for _ in 0..<11 {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--database", databasePath]
        process.standardOutput = FileHandle.nullDevice
        let began = clock.now
        try process.run()
        process.waitUntilExit()
        times.append(seconds(clock.now - began))
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }
    return median(times)
}
let historyCommand = try commandTime(["history", "benchmark", String(busy)])
let diffCommand = try commandTime(["diff", "benchmark", String(busy)])

let versionsHeld = postCount + revisionCount + versionCount
print("""
    posts of the fixture's size: \(postCount) ingested, \(revisionCount) revisions, one post with \(versionCount) versions
    ingest:     \(String(format: "%.2f", ingest)) s, \(Int(Double(postCount) / ingest)) posts/s (target 10,000)
    revisions:  \(String(format: "%.2f", revising)) s, \(Int(Double(revisionCount) / revising)) revisions/s
    database:   \(afterIngest / postCount) bytes per post, \((afterRevisions - afterIngest) / max(1, revisionCount)) bytes per revision
    size:       \(total / 1_000_000) MB for \(versionsHeld) versions whose raw JSON is \(rawBytes / 1_000_000) MB: \
    \(String(format: "%.2f", Double(total) / Double(rawBytes)))x (target at most 0.5x)
    history:    \(String(format: "%.2f", median(historyTimes) * 1000)) ms in-process, \
    \(String(format: "%.1f", historyCommand * 1000)) ms as `feedwatch history` (target 50 ms)
    diff:       \(String(format: "%.2f", median(diffTimes) * 1000)) ms in-process, \
    \(String(format: "%.1f", diffCommand * 1000)) ms as `feedwatch diff` (target 50 ms)
    """)
