import Foundation

/// A directory of its own for one test, removed afterwards.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        let file = self.file(name)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// A site name no other test (or earlier run) uses: the journal is shared.
public func uniqueSiteName(_ purpose: String) -> String {
    "t-\(purpose)-\(UUID().uuidString.prefix(8).lowercased())"
}
