import FeedwatchCore
import Foundation

/// The real post every test starts from, exactly as WordPress served it.
enum Fixture {
    static let postURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wp-post-356473.json")

    static func postData() throws -> Data { try Data(contentsOf: postURL) }

    static func post() throws -> WordPressPost { try JSONDecoder().decode(WordPressPost.self, from: postData()) }
}

/// A directory of its own for one test, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}

/// A site name no other test (or earlier run) uses: the journal is shared.
func uniqueSiteName(_ purpose: String) -> String {
    "t-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
}
