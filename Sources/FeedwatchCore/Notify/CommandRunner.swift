/// Runs the program of a `command` channel (SPEC §2): an argument vector, no
/// shell, the event as JSON on stdin, a timeout after which it is killed.
///
/// What the program gets:
/// - `arguments[0]` is run as given: an absolute path, no `PATH` search, no shell.
/// - stdin is a pipe carrying `input`, then closed. A program that never reads
///   it, or exits before reading all of it, costs nothing: the rest is dropped
///   (and the write's `SIGPIPE` is blocked on the thread that writes).
/// - stdout and stderr are one pipe, so the output keeps the order in which the
///   program wrote its lines, as systemd keeps a service's own output; the
///   journal gets one readable transcript rather than two halves that cannot
///   be put back in order.
/// - exactly `environment`, nothing inherited from the daemon.
/// - no file descriptor but 0, 1 and 2 (everything from 3 up is closed in the
///   child, whether or not the daemon opened it close-on-exec), default signal
///   dispositions and an empty signal mask (the daemon may ignore or block
///   signals; a script would inherit that), and a process group of its own.
/// - the daemon's user, working directory, umask and systemd sandbox.
///
/// When `timeout` passes, or the calling task is cancelled, the whole process
/// group gets `SIGTERM` (and `SIGCONT`, in case it is stopped), then `SIGKILL`
/// after `killGrace`: a shell script's own children die with it. A program
/// that exits by itself is not followed further: whatever it left running in
/// the background is not killed, but its output is no longer read (it gets
/// `SIGPIPE` when it next writes).
///
/// Each run has a thread of its own that spawns the process, feeds its stdin,
/// reads its output and waits for it with `poll(2)`; the caller awaits a
/// continuation, so however long a command takes, no thread of Swift's
/// cooperative pool is blocked.
public enum CommandRunner {
    /// Output kept per run; the rest is counted and dropped.
    public static let defaultOutputLimit = 64 * 1024
    /// Between `SIGTERM` and `SIGKILL`.
    public static let defaultKillGrace = Duration.seconds(2)

    /// Runs `arguments` and returns how it ended; never throws: a program that
    /// cannot be started is an outcome like any other.
    ///
    /// - Parameters:
    ///   - arguments: the program's absolute path, then its arguments. A NUL
    ///     character ends an argument there, as it would in C.
    ///   - input: written to the program's stdin, which is then closed.
    ///   - environment: the program's whole environment. Names must be
    ///     non-empty and contain neither `=` nor NUL; a NUL in a value ends it
    ///     there. Text from outside (post titles) is best stripped of NUL by
    ///     the caller.
    ///   - timeout: how long the program may run before it is killed.
    ///   - outputLimit: bytes of output kept.
    ///   - killGrace: how long a program may take to exit after `SIGTERM`.
    public static func run(_ arguments: [String], input: [UInt8], environment: [String: String],
                           timeout: Duration, outputLimit: Int = defaultOutputLimit,
                           killGrace: Duration = defaultKillGrace) async -> CommandOutcome {
        let run = CommandRun(arguments: arguments, input: input, environment: environment, timeout: timeout,
                             outputLimit: max(0, outputLimit), killGrace: killGrace)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in run.start(continuation) }
        } onCancel: {
            run.cancel()
        }
    }
}
