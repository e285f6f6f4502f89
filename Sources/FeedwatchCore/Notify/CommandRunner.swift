#if canImport(Glibc)
import Glibc
#endif
import Synchronization

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

private typealias StartFailure = CommandOutcome.StartFailure

/// One run: what to run, the thread that supervises it, and the pipe through
/// which a cancelled task wakes that thread.
private final class CommandRun: Sendable {
    let arguments: [String]
    let input: [UInt8]
    let environment: [String: String]
    let timeout: Duration
    let outputLimit: Int
    let killGrace: Duration

    private struct Control {
        var cancelled = false
        /// Open while the supervising thread runs; written to only under the
        /// lock, so never after the thread has closed it.
        var wake: (read: Int32, write: Int32)?
    }

    private let control = Mutex(Control())

    init(arguments: [String], input: [UInt8], environment: [String: String], timeout: Duration, outputLimit: Int,
         killGrace: Duration) {
        self.arguments = arguments
        self.input = input
        self.environment = environment
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.killGrace = killGrace
    }

    private var program: String { arguments.first ?? "" }

    /// Starts the supervising thread, which resumes `continuation` when the
    /// program has been reaped.
    func start(_ continuation: CheckedContinuation<CommandOutcome, Never>) {
        let wake: (read: Int32, write: Int32)
        do {
            wake = try Self.makePipe()
        } catch {
            continuation.resume(returning: CommandOutcome(program: program, ending: .couldNotStart(error)))
            return
        }
        _ = fcntl(wake.read, F_SETFL, fcntl(wake.read, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wake.write, F_SETFL, fcntl(wake.write, F_GETFL) | O_NONBLOCK)
        let cancelledAlready = control.withLock { control in
            if !control.cancelled { control.wake = wake }
            return control.cancelled
        }
        if cancelledAlready {
            close(wake.read)
            close(wake.write)
            continuation.resume(returning: CommandOutcome(program: program, ending: .cancelled))
            return
        }
        let error = SupervisorThread.start { [self] in
            let outcome = supervise(wake: wake.read)
            control.withLock { control in
                control.wake = nil
                close(wake.read)
                close(wake.write)
            }
            continuation.resume(returning: outcome)
        }
        if let error {
            control.withLock { control in
                control.wake = nil
                close(wake.read)
                close(wake.write)
            }
            let failure = StartFailure(errno: error, reason: "no thread to supervise it (\(Self.errorText(error)))")
            continuation.resume(returning: CommandOutcome(program: program, ending: .couldNotStart(failure)))
        }
    }

    /// Makes the supervising thread kill the program, if it runs, or not
    /// start it.
    func cancel() {
        control.withLock { control in
            control.cancelled = true
            if let wake = control.wake {
                var byte: UInt8 = 1
                _ = write(wake.write, &byte, 1)
            }
        }
    }

    private var isCancelled: Bool { control.withLock { $0.cancelled } }

    // MARK: - On the supervising thread

    private enum Stop {
        case timedOut, cancelled
    }

    private func supervise(wake: Int32) -> CommandOutcome {
        // A write to a pipe whose reader is gone raises SIGPIPE for the writing
        // thread, which would kill the daemon; blocked here, the write fails
        // with EPIPE instead, and the pending signal dies with the thread.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)

        let clock = ContinuousClock()
        let started = clock.now
        if isCancelled { return CommandOutcome(program: program, ending: .cancelled) }
        let child: SpawnedChild
        do {
            child = try spawn()
        } catch {
            return CommandOutcome(program: program, ending: .couldNotStart(error), duration: clock.now - started)
        }
        let (stop, status, output, dropped) = watch(child, wake: wake, clock: clock, started: started)
        let ending: CommandOutcome.Ending
        switch stop {
        case .timedOut?: ending = .timedOut(after: timeout)
        case .cancelled?: ending = .cancelled
        case nil:
            guard let status else {
                ending = .statusLost
                break
            }
            // Linux's encoding of a wait status: the low 7 bits are the
            // terminating signal, or 0 for an exit, whose status is bits 8–15.
            let signal = status & 0x7f
            ending = signal == 0 ? .exited(status: (status >> 8) & 0xff) : .killed(signal: signal)
        }
        return CommandOutcome(program: program, ending: ending, output: output, droppedOutputCount: dropped,
                              duration: clock.now - started)
    }

    private struct SpawnedChild {
        var pid: pid_t
        /// Our end of its stdin.
        var input: Int32
        /// Our end of its stdout and stderr.
        var output: Int32
    }

    private func spawn() throws(StartFailure) -> SpawnedChild {
        guard let path = arguments.first, !path.isEmpty else {
            throw StartFailure(errno: nil, reason: "the command is empty (it needs at least a program's path)")
        }
        guard path.hasPrefix("/") else {
            throw StartFailure(errno: nil, reason: "\"\(path)\" is not an absolute path (commands run without a "
                + "shell or PATH search)")
        }
        if let name = environment.keys.first(where: { $0.isEmpty || $0.contains("=") || $0.contains("\0") }) {
            throw StartFailure(errno: nil, reason: "\"\(name)\" cannot be the name of an environment variable")
        }
        guard let closeFrom = GNULibC.addCloseFrom else {
            throw StartFailure(errno: ENOSYS, reason: "this C library lacks posix_spawn_file_actions_addclosefrom_np "
                + "(glibc 2.34 or later is needed), so the daemon's files could leak into the command")
        }

        let stdinPipe = try Self.makePipe()
        let outputPipe: (read: Int32, write: Int32)
        do {
            outputPipe = try Self.makePipe()
        } catch {
            close(stdinPipe.read)
            close(stdinPipe.write)
            throw error
        }
        // The child's ends are closed in the parent whatever happens; ours only if the spawn fails.
        defer {
            close(stdinPipe.read)
            close(outputPipe.write)
        }
        // Only our ends: O_NONBLOCK belongs to the open file, which the child's dup would share.
        _ = fcntl(stdinPipe.write, F_SETFL, fcntl(stdinPipe.write, F_GETFL) | O_NONBLOCK)
        _ = fcntl(outputPipe.read, F_SETFL, fcntl(outputPipe.read, F_GETFL) | O_NONBLOCK)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Our pipes are all at 3 or above (`makePipe`), so no dup2 overwrites another's source.
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 2)
        _ = closeFrom(&actions, 3)

        // Without an explicit mask the child would inherit this thread's: SIGPIPE
        // blocked (above), and whatever the thread that created it blocked, which
        // for a thread of the cooperative pool is nearly every signal, SIGTERM
        // included. Signals the daemon ignores would stay ignored across exec.
        // A new process group, its id the child's pid, is what a timeout kills.
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
        posix_spawnattr_setflags(&attributes,
                                 Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = CStringArray(arguments)
        let envp = CStringArray(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        // glibc's posix_spawn reports the exec's own error (ENOENT, EACCES,
        // ENOEXEC) and reaps the child that could not exec.
        let result = posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
        guard result == 0 else {
            close(stdinPipe.write)
            close(outputPipe.read)
            throw StartFailure(errno: result, reason: Self.execFailure(result))
        }
        return SpawnedChild(pid: pid, input: stdinPipe.write, output: outputPipe.read)
    }

    /// Feeds stdin, reads output, enforces the timeout and cancellation, until
    /// the program exits; then reaps it.
    private func watch(_ child: SpawnedChild, wake: Int32, clock: ContinuousClock, started: ContinuousClock.Instant)
        -> (stop: Stop?, status: Int32?, output: [UInt8], dropped: Int) {
        let pid = child.pid
        // Readable when the process has exited. Without one (a kernel before
        // 5.3, or a filter that forbids the call) the loop looks every 20 ms.
        let exitNotice: Int32? = GNULibC.pidfdOpen.map { $0(pid, 0) }.flatMap { $0 >= 0 ? $0 : nil }
        defer { if let exitNotice { close(exitNotice) } }

        var inputEnd: Int32? = child.input
        var inputOffset = 0
        var outputEnd: Int32? = child.output
        var output: [UInt8] = []
        output.reserveCapacity(min(outputLimit, 64 * 1024))
        var dropped = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        func closeInput() {
            if let fd = inputEnd { close(fd) }
            inputEnd = nil
        }
        func readOutput() -> Bool {
            guard let fd = outputEnd else { return false }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                let kept = max(0, min(count, outputLimit - output.count))
                output.append(contentsOf: buffer[0..<kept])
                dropped += count - kept
                return true
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { return false }
            close(fd)
            outputEnd = nil
            return false
        }
        if input.isEmpty { closeInput() }

        let deadline = started + timeout
        var stop: Stop?
        var killAt: ContinuousClock.Instant?
        func terminate(_ reason: Stop) {
            stop = reason
            kill(-pid, SIGTERM)
            kill(-pid, SIGCONT)
            killAt = clock.now + killGrace
        }

        while !Self.hasExited(pid) {
            let now = clock.now
            if stop == nil && now >= deadline { terminate(.timedOut) }
            if let time = killAt, now >= time {
                kill(-pid, SIGKILL)
                killAt = nil
            }
            var waitUntil: ContinuousClock.Instant? = stop == nil ? deadline : killAt
            if exitNotice == nil { waitUntil = min(waitUntil ?? now + .milliseconds(20), now + .milliseconds(20)) }

            var watched = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            if let exitNotice { watched.append(pollfd(fd: exitNotice, events: Int16(POLLIN), revents: 0)) }
            if let fd = inputEnd { watched.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            if let fd = outputEnd { watched.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&watched, nfds_t(watched.count), Self.milliseconds(from: now, until: waitUntil))
            guard ready > 0 else { continue }

            for entry in watched where entry.revents != 0 {
                if entry.fd == wake {
                    var drain = [UInt8](repeating: 0, count: 16)
                    _ = read(wake, &drain, drain.count)
                    if stop == nil && isCancelled { terminate(.cancelled) }
                } else if entry.fd == inputEnd {
                    let count = input.withUnsafeBytes { bytes in
                        guard let base = bytes.baseAddress else { return 0 }
                        return write(entry.fd, base + inputOffset, min(bytes.count - inputOffset, 64 * 1024))
                    }
                    if count > 0 {
                        inputOffset += count
                        if inputOffset == input.count { closeInput() }
                    } else if count < 0 && errno != EAGAIN && errno != EINTR {
                        // EPIPE: the program closed its stdin or exited; what it did not read is dropped.
                        closeInput()
                    }
                } else if entry.fd == outputEnd {
                    _ = readOutput()
                }
            }
        }

        // The process has exited but is not reaped, so its process id still
        // names its group: a signal to the group cannot reach a stranger.
        if stop != nil { kill(-pid, SIGKILL) }
        closeInput()
        // What it wrote before exiting is in the pipe; take that, but do not
        // wait for anything it left running (at most 4 MiB more).
        var reads = 0
        while reads < 64 && readOutput() { reads += 1 }
        if let fd = outputEnd { close(fd) }

        var status: Int32 = 0
        var reaped = waitpid(pid, &status, 0)
        while reaped < 0 && errno == EINTR { reaped = waitpid(pid, &status, 0) }
        return (stop, reaped == pid ? status : nil, output, dropped)
    }

    // MARK: - Helpers

    /// Whether `pid` has exited, without reaping it.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            // ECHILD: something else reaped it (SIGCHLD ignored, or a wait for
            // any child); nothing left to watch, and its status is lost.
            return errno != EINTR
        }
        return info._sifields._sigchld.si_pid == pid
    }

    /// A `poll` timeout: the milliseconds until `instant`, rounded up; -1 for none.
    private static func milliseconds(from now: ContinuousClock.Instant, until instant: ContinuousClock.Instant?)
        -> Int32 {
        guard let instant else { return -1 }
        let (seconds, attoseconds) = (instant - now).components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }

    /// A close-on-exec pipe whose ends are both 3 or above, so that moving
    /// the child's ends onto 0, 1 and 2 never overwrites another pipe (the
    /// daemon may have been started with 0, 1 or 2 closed).
    private static func makePipe() throws(StartFailure) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let result: Int32
        if let pipe2 = GNULibC.pipe2 {
            result = pipe2(&fds, O_CLOEXEC)
        } else {
            result = pipe(&fds)
        }
        guard result == 0 else {
            let code = errno
            throw StartFailure(errno: code, reason: "no pipe for its input and output (\(errorText(code)))")
        }
        for index in fds.indices where fds[index] < 3 || GNULibC.pipe2 == nil {
            let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, 3)
            let code = errno
            close(fds[index])
            fds[index] = moved
            if moved < 0 {
                fds.filter { $0 >= 0 }.forEach { close($0) }
                throw StartFailure(errno: code, reason: "no pipe for its input and output (\(errorText(code)))")
            }
        }
        return (fds[0], fds[1])
    }

    /// Why the kernel would not run the program, in terms an administrator can act on.
    private static func execFailure(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file (or the interpreter on its #! line is missing)"
        case EACCES:
            return "permission denied (is it executable, and can feedwatch's user enter every directory above it?)"
        case ENOEXEC: return "not a program this system can run (a script needs a #! line)"
        case ENOTDIR: return "a part of its path is not a directory"
        case ETXTBSY: return "the file is open for writing (being replaced?)"
        case E2BIG: return "its arguments and environment are too long"
        default: return errorText(code)
        }
    }

    private static func errorText(_ code: Int32) -> String {
        strerror(code).map { String(cString: $0) } ?? "error \(code)"
    }
}

/// `char *const argv[]` for `posix_spawn`: copies of the strings, then NULL.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}

/// A detached POSIX thread. Foundation's `Thread` would do, but needs all of
/// Foundation; this file needs only Glibc.
private enum SupervisorThread {
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; returns `pthread_create`'s error, if any.
    static func start(_ body: @escaping @Sendable () -> Void) -> Int32? {
        let context = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context.toOpaque())
        guard result == 0 else {
            context.release()
            return result
        }
        pthread_detach(thread)
        return nil
    }
}

/// glibc functions that Swift's `Glibc` module does not show (they need
/// `_GNU_SOURCE`, or a header it leaves out), looked up once by name in the C
/// library the process already uses. A C target with `#define _GNU_SOURCE`
/// would declare them instead.
private enum GNULibC {
    typealias Pipe2 = @Sendable @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias AddCloseFrom = @Sendable @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32)
        -> Int32
    typealias PidfdOpen = @Sendable @convention(c) (pid_t, UInt32) -> Int32

    /// glibc 2.9.
    static let pipe2: Pipe2? = symbol("pipe2")
    /// glibc 2.34: closes every descriptor from the given one up in the child,
    /// with `close_range(2)` (or by listing `/proc/self/fd`).
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    /// glibc 2.36, Linux 5.3.
    static let pidfdOpen: PidfdOpen? = symbol("pidfd_open")

    private static func symbol<Function>(_ name: String) -> Function? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(handle) }
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }
}
