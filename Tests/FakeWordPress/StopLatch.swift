import Glibc

/// A one-way signal every server thread can wait on together with its socket: a pipe that is
/// written once and never drained, so it stays readable for every `poll()` after `signal()`.
///
/// This wakes threads blocked in `accept` or `recv` portably, without relying on `shutdown()` of
/// a listening socket (which only Linux turns into a wake-up).
final class StopLatch: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw FakeWordPressError.system(call: "pipe", errno: errno) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    /// Whether `signal()` was called, without waiting.
    var isSignalled: Bool {
        var fds = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&fds, 1, 0) > 0
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }
}
