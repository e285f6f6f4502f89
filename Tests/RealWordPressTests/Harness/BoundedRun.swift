import Foundation
import TestSupport

/// Programs the harness runs to their end, each with a time limit, so that a
/// hang fails the test instead of stalling CI.
enum BoundedRun {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `path` with `arguments`; standard output and error together in `output`.
    /// - Throws: `RealWordPressError.failed` when it does not end within `timeout`
    ///   seconds (it is killed then), or, with `check`, when it exits non-zero.
    @discardableResult
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
        timeout: Double = 60, check: Bool = true, what: String? = nil
    ) throws -> Outcome {
        let scratch = try TemporaryDirectory()
        let inputFile = try input.map { try scratch.write("input", $0) }
        let outputFile = scratch.file("output")
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NOTIFY_SOCKET")
        let child = try ChildProcess(path, arguments, environment: merged.merging(environment) { $1 },
                                     input: inputFile, output: outputFile, mergeErrors: true)
        let status = child.wait(timeout: timeout)
        if status == nil { child.stop() }
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let label = what ?? ([path] + arguments).joined(separator: " ")
        guard let status else { throw RealWordPressError.failed(label, status: nil, output: output) }
        if check, status != 0 { throw RealWordPressError.failed(label, status: status, output: output) }
        return Outcome(status: status, output: output)
    }

    /// Calls `ready` every 50 ms until it is true, at most `timeout` seconds;
    /// stops early when `alive` says the server has died.
    static func waitUntil(timeout: Double, alive: () -> Bool, _ ready: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return true }
            if !alive() { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return ready()
    }
}
