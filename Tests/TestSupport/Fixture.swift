import Foundation

/// Files of the repository that tests read.
public enum Fixture {
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A real post exactly as a real WordPress site served it.
    public static let postURL = repository.appendingPathComponent("Tests/Fixtures/wp-post-356473.json")

    public static func postData() throws -> Data { try Data(contentsOf: postURL) }
}
