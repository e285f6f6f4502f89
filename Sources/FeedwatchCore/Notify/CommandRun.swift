#if canImport(Glibc)
import Glibc
#endif
import Locking

/// One run: what to run, the thread that supervises it, and the pipe through
/// which a cancelled task wakes that thread.
final class CommandRun: Sendable {
    typealias StartFailure = CommandOutcome.StartFailure

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

    private let control = Locked(Control())

    init(arguments: [String], input: [UInt8], environment: [String: String], timeout: Duration, outputLimit: Int,
         killGrace: Duration) {
        self.arguments = arguments
        self.input = input
        self.environment = environment
        self.timeout = timeout
        self.outputLimit = outputLimit
        self.killGrace = killGrace
    }

    var program: String { arguments.first ?? "" }

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

    var isCancelled: Bool { control.withLock { $0.cancelled } }

    // MARK: - On the supervising thread

    enum Stop {
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

    struct SpawnedChild {
        var pid: pid_t
        /// Our end of its stdin.
        var input: Int32
        /// Our end of its stdout and stderr.
        var output: Int32
    }
}

/// A detached POSIX thread. Foundation's `Thread` would do, but needs all of
/// Foundation; this file needs only Glibc.
enum SupervisorThread {
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
