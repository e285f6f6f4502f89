import Foundation
import Testing

/// Starts one real WordPress around a whole suite (with its nested suites)
/// and stops it afterwards, whether the tests passed, failed or threw; the
/// tests reach it as `RealWordPress.current`. If it cannot start (the Debian
/// packages missing, a server not answering), every test of the suite fails
/// with that error: nothing is skipped silently.
struct RealWordPressTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let wordpress = try RealWordPress()
        defer { wordpress.stop() }
        print("real WordPress at \(wordpress.url) started in "
              + wordpress.startupTimes.map { "\($0.step) \(String(format: "%.1f", $0.seconds)) s" }.joined(separator: ", "))
        try await RealWordPress.$current.withValue(wordpress) { try await function() }
    }
}

extension Trait where Self == RealWordPressTrait {
    /// A real WordPress for the suite: `RealWordPress.current`.
    static var realWordPress: Self { Self() }
}
