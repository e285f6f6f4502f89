import Foundation

/// Runs the built `feedwatch` executable, as an administrator would. Output goes
/// to files, not pipes, so a chatty process can never block on a full pipe.
struct Binary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let url: URL = {
        // The test bundle sits beside the products of the same build.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch")
    }()

    final class Running {
        let process = Process()
        let stdoutPath: String
        let stderrPath: String

        init(_ arguments: [String], environment: [String: String], executable: URL = Binary.url) throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-out-\(UUID().uuidString)").path
            stdoutPath = base + ".out"
            stderrPath = base + ".err"
            FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = executable
            process.arguments = arguments
            var merged = ProcessInfo.processInfo.environment
            merged.removeValue(forKey: "NOTIFY_SOCKET")
            merged.removeValue(forKey: "FEEDWATCH_CONFIG")
            process.environment = merged.merging(environment) { $1 }
            process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        deinit {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }

        /// Waits for the exit; kills the process after `timeout` seconds so a hang fails the test, not CI.
        func wait(timeout: Double) -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: contents(stdoutPath), stderr: contents(stderrPath))
        }

        private func contents(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
    }

    /// - Parameter executable: another program to run, `setpriv` for instance, which then runs this one.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60, executable: URL = url
    ) throws -> Result {
        try Running(arguments, environment: environment, executable: executable).wait(timeout: timeout)
    }
}
