#if canImport(Glibc)
import Glibc
#endif

/// Watching the program: its stdin fed, its output read, the deadlines kept.
extension CommandRun {
    /// Feeds stdin, reads output, enforces the timeout and cancellation, until
    /// the program exits; then reaps it.
    func watch(_ child: SpawnedChild, wake: Int32, clock: ContinuousClock, started: ContinuousClock.Instant)
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

    /// Whether `pid` has exited, without reaping it.
    static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            // ECHILD: something else reaped it (SIGCHLD ignored, or a wait for
            // any child); nothing left to watch, and its status is lost.
            return errno != EINTR
        }
        return info._sifields._sigchld.si_pid == pid
    }

    /// A `poll` timeout: the milliseconds until `instant`, rounded up; -1 for none.
    static func milliseconds(from now: ContinuousClock.Instant, until instant: ContinuousClock.Instant?)
        -> Int32 {
        guard let instant else { return -1 }
        let (seconds, attoseconds) = (instant - now).components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
