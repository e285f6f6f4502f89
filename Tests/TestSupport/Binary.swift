import Foundation

/// Runs the built `feedwatch` executable, as an administrator would. Output goes
/// to files, not pipes, so a chatty process can never block on a full pipe.
public struct Binary {
    public struct Result {
        /// The exit status, or 128 plus the number of the signal that ended it, as a shell shows it.
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static let url: URL = {
        // The test bundle sits beside the products of the same build.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch")
    }()

    /// The daemon (or a one-shot command) running: stopped, with what it started, at the latest in `deinit`.
    public final class Running {
        public let process: ChildProcess
        public let stdoutPath: String
        public let stderrPath: String

        public init(_ arguments: [String], environment: [String: String], executable: URL = Binary.url) throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-out-\(UUID().uuidString)").path
            stdoutPath = base + ".out"
            stderrPath = base + ".err"
            var merged = ProcessInfo.processInfo.environment
            merged.removeValue(forKey: "NOTIFY_SOCKET")
            merged.removeValue(forKey: "FEEDWATCH_CONFIG")
            process = try ChildProcess(executable.path, arguments, environment: merged.merging(environment) { $1 },
                                       output: stdoutPath, errors: stderrPath)
        }

        deinit {
            process.stop()
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }

        /// Waits for the exit; kills the process after `timeout` seconds so a hang fails the test, not CI.
        public func wait(timeout: Double) -> Result {
            let status = process.wait(timeout: timeout) ?? process.stop()
            return Result(status: status, stdout: contents(stdoutPath), stderr: contents(stderrPath))
        }

        private func contents(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
    }

    /// - Parameter executable: another program to run, `setpriv` for instance, which then runs this one.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60, executable: URL = url
    ) throws -> Result {
        try Running(arguments, environment: environment, executable: executable).wait(timeout: timeout)
    }
}
