#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A program a test starts (a server, a receiver, the daemon under test, a
/// tool), started the way feedwatch's `CommandRun` starts commands.
///
/// Foundation's `Process` hands the child the signal mask of the thread that
/// starts it, and test threads block SIGTERM: such a child ignores
/// `terminate()` and outlives the suite. Here the child gets an empty mask,
/// default dispositions for every signal, and a process group of its own
/// (its id the child's pid), so that `stop()` ends it and whatever it started.
/// Every test stops what it started: `stop()`, or `deinit` as a last resort.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    /// `@unchecked Sendable`: `status` is only touched under `lock`.
    private let lock = NSLock()
    private var status: Int32?

    /// Why a program could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot start \(path): \(reason)" }
    }

    /// Starts `path` (absolute) with `arguments`.
    /// - Parameters:
    ///   - input: a file to read standard input from; `/dev/null` by default.
    ///   - output: a file that gets standard output (created or emptied); `/dev/null` by default.
    ///   - errors: the same for standard error; `output` itself when `nil` and `mergeErrors`.
    public init(
        _ path: String, _ arguments: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
        input: String? = nil, output: String? = nil, errors: String? = nil, mergeErrors: Bool = false
    ) throws(StartError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let written = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", written, 0o600)
        if mergeErrors, errors == nil {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", written, 0o600)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw StartError(path: path, reason: String(cString: strerror(result))) }
        pid = child
    }

    deinit { stop() }

    /// Runs `path` to its end and returns its exit status and what it wrote to
    /// standard output (and standard error, with `mergeErrors`).
    /// - Parameter input: bytes for its standard input.
    public static func run(
        _ path: String, _ arguments: [String] = [], input: [UInt8]? = nil, mergeErrors: Bool = true
    ) throws -> (status: Int32, output: String) {
        let directory = try TemporaryDirectory()
        let inputFile = try input.map { bytes in
            try Data(bytes).write(to: URL(fileURLWithPath: directory.file("input")))
            return directory.file("input")
        }
        let outputFile = directory.file("output")
        let child = try ChildProcess(path, arguments, input: inputFile, output: outputFile, mergeErrors: mergeErrors)
        let status = child.wait()
        return (status, (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "")
    }

    public var isRunning: Bool { reap(blocking: false) == nil }

    /// Waits for the exit.
    /// - Returns: the exit status, or 128 plus the number of the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        reap(blocking: true) ?? -1
    }

    /// Waits for the exit at most `timeout` seconds: the exit status, or `nil`.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = reap(blocking: false) { return status }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return reap(blocking: false)
    }

    /// Sends `signal` to the child alone.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Ends the child's whole process group: SIGTERM, then SIGKILL after
    /// `grace` seconds, and waits for the child. Safe to call more than once.
    /// - Returns: the child's exit status.
    @discardableResult
    public func stop(grace: Double = 2) -> Int32 {
        guard isRunning else { return wait() }
        kill(-pid, SIGTERM)
        if wait(timeout: grace) == nil { kill(-pid, SIGKILL) }
        let status = wait()
        // Whatever it started and left behind in its group (the group's id cannot
        // have been taken by another process while one of them lives).
        kill(-pid, SIGKILL)
        return status
    }

    /// The exit status once the child has ended (reaped here, once).
    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
        } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        let signal = raw & 0x7f
        status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        return status
    }
}
