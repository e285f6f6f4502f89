import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// The sockets libcurl asks to be watched, in one epoll set, and an eventfd
/// that other threads use to wake the thread waiting on it. Waiting costs the
/// same however many sockets are watched: with `curl_multi_poll`, every wait
/// and every `curl_multi_perform` went over every transfer under way.
///
/// `@unchecked Sendable`: only the loop thread calls `watch`, `unwatch` and
/// `wait` (the one user of `events`); `wake` touches constants only and may be
/// called from any thread while the instance lives.
final class EventPoll: @unchecked Sendable {
    /// A socket ready for reading or writing, or in error.
    struct Readiness {
        var socket: Int32
        var readable: Bool
        var writable: Bool
        var failed: Bool
    }

    private let epoll: Int32
    private let wakeup: Int32
    private var events: [epoll_event]

    init(capacity: Int = 256) throws(EventPollError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw EventPollError(call: "epoll_create1", errno: errno) }
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeup >= 0 else {
            let code = errno
            Glibc.close(epoll)
            throw EventPollError(call: "eventfd", errno: code)
        }
        events = Array(repeating: epoll_event(), count: capacity)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeup
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event) == 0 else {
            let code = errno
            Glibc.close(wakeup)
            Glibc.close(epoll)
            throw EventPollError(call: "epoll_ctl(EPOLL_CTL_ADD)", errno: code)
        }
    }

    /// Watches `socket` for reading and/or writing, in place of what it was
    /// watched for before (`isNew`: not watched yet).
    func watch(_ socket: Int32, reading: Bool, writing: Bool, isNew: Bool) throws(EventPollError) {
        var event = epoll_event()
        event.events = (reading ? EPOLLIN.rawValue : 0) | (writing ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        guard epoll_ctl(epoll, isNew ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event) == 0 else {
            throw EventPollError(call: isNew ? "epoll_ctl(EPOLL_CTL_ADD)" : "epoll_ctl(EPOLL_CTL_MOD)", errno: errno)
        }
    }

    /// Stops watching `socket`. libcurl says so before it closes one; a socket
    /// closed already has left the set by itself, so a failure is no matter.
    func unwatch(_ socket: Int32) {
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil)
    }

    /// Ends a `wait` under way, or the next one.
    func wake() {
        var one: UInt64 = 1
        // Fails only when the counter is full, and then a wakeup is pending anyway.
        _ = Glibc.write(wakeup, &one, MemoryLayout<UInt64>.size)
    }

    /// Waits up to `milliseconds` (0: not at all) for watched sockets to be
    /// ready, or for `wake`; returns the sockets ready (none after a wakeup).
    func wait(milliseconds: Int32) throws(EventPollError) -> [Readiness] {
        let count = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), milliseconds)
        }
        guard count >= 0 else {
            if errno == EINTR { return [] }
            throw EventPollError(call: "epoll_wait", errno: errno)
        }
        var ready: [Readiness] = []
        ready.reserveCapacity(Int(count))
        for event in events[..<Int(count)] {
            if event.data.fd == wakeup {
                var counter: UInt64 = 0
                _ = Glibc.read(wakeup, &counter, MemoryLayout<UInt64>.size)
                continue
            }
            ready.append(Readiness(
                socket: event.data.fd,
                readable: event.events & EPOLLIN.rawValue != 0,
                writable: event.events & EPOLLOUT.rawValue != 0,
                failed: event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0))
        }
        return ready
    }

    deinit {
        Glibc.close(wakeup)
        Glibc.close(epoll)
    }
}

/// The kernel refused an epoll or eventfd call.
struct EventPollError: Error, CustomStringConvertible {
    let call: String
    let errno: Int32

    var description: String { "the kernel refused \(call): \(String(cString: strerror(errno)))" }
}
