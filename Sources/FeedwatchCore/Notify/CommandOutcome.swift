#if canImport(Glibc)
import Glibc
#endif

/// How one run of a `command` channel's program ended, and what it printed:
/// what the journal says about that delivery.
public struct CommandOutcome: Sendable, Equatable, CustomStringConvertible {
    public enum Ending: Sendable, Equatable {
        /// The program exited by itself with this status; only 0 is success.
        case exited(status: Int32)
        /// A signal that feedwatch did not send ended it: a crash, the OOM
        /// killer, an administrator's `kill`.
        case killed(signal: Int32)
        /// It was still running when the timeout passed, so it was killed,
        /// together with everything it started in its process group.
        case timedOut(after: Duration)
        /// The task waiting for it was cancelled (feedwatch stopping, say), so
        /// it was killed like a command that timed out.
        case cancelled
        /// No program ran.
        case couldNotStart(StartFailure)
        /// It ended, but something else in the process reaped it first
        /// (`SIGCHLD` ignored, or a wait for any child), taking its status.
        /// feedwatch does neither; this is for completeness, not success.
        case statusLost
    }

    /// Why a command did not run at all.
    public struct StartFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The error number of the system call that failed, when one did; for
        /// the program itself: `ENOENT`, `EACCES`, `ENOEXEC`.
        public var errno: Int32?
        /// Completes "PROGRAM could not be started: ", for an administrator.
        public var reason: String

        public init(errno: Int32?, reason: String) {
            self.errno = errno
            self.reason = reason
        }

        public var description: String { reason }
    }

    /// `arguments[0]`, the program's absolute path as configured.
    public var program: String
    public var ending: Ending
    /// What the program (and whatever it started) wrote to stdout and stderr,
    /// interleaved as written, up to the run's output limit.
    public var output: [UInt8]
    /// Bytes written beyond the output limit: read and thrown away, so that a
    /// chatty program never blocks on a full pipe.
    public var droppedOutputCount: Int
    /// From the start of the run until the program was reaped.
    public var duration: Duration

    public init(program: String, ending: Ending, output: [UInt8] = [], droppedOutputCount: Int = 0,
                duration: Duration = .zero) {
        self.program = program
        self.ending = ending
        self.output = output
        self.droppedOutputCount = droppedOutputCount
        self.duration = duration
    }

    /// True only for an exit with status 0.
    public var succeeded: Bool { ending == .exited(status: 0) }

    /// `output` as text; bytes that are not UTF-8 become U+FFFD.
    public var outputText: String { String(decoding: output, as: UTF8.self) }

    /// One line for the journal: `/usr/local/bin/on-change exited with status 3`.
    public var description: String {
        let name = program.isEmpty ? "the command" : program
        switch ending {
        case .exited(let status):
            return "\(name) exited with status \(status)"
        case .killed(let signal):
            return "\(name) was killed by \(Self.signalText(signal))"
        case .timedOut(let timeout):
            return "\(name) did not finish within \(Self.durationText(timeout)) and was killed"
        case .cancelled:
            return "\(name) was killed before it finished because feedwatch cancelled the delivery "
                + "(stopping or reloading)"
        case .couldNotStart(let failure):
            return "\(name) could not be started: \(failure.reason)"
        case .statusLost:
            return "\(name) ended, but how is unknown: another part of feedwatch collected its exit status"
        }
    }

    /// `signal 11 (SIGSEGV, Segmentation fault)`.
    static func signalText(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
        ]
        var details: [String] = []
        if let name = names[signal] { details.append(name) }
        if let text = strsignal(signal) { details.append(String(cString: text)) }
        return details.isEmpty ? "signal \(signal)" : "signal \(signal) (\(details.joined(separator: ", ")))"
    }

    /// As the configuration writes durations (`30s`, `5m`), or in
    /// milliseconds when that is not a whole number of seconds.
    static func durationText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return DurationText.format(duration) }
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}
