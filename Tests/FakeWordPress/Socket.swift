import Glibc

/// The few BSD socket calls the server makes, with failures turned into errors or `nil`.
enum Socket {
    /// A TCP socket listening on 127.0.0.1 at `port`, or at a port the kernel picks if it is 0.
    static func listenOnLoopback(port requested: Int = 0) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw FakeWordPressError.system(call: "socket", errno: errno) }
        do {
            var reuse: Int32 = 1
            guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw FakeWordPressError.system(call: "setsockopt", errno: errno)
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(requested).bigEndian
            address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw FakeWordPressError.system(call: "bind", errno: errno) }
            guard listen(descriptor, 128) == 0 else { throw FakeWordPressError.system(call: "listen", errno: errno) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0 else { throw FakeWordPressError.system(call: "getsockname", errno: errno) }
            return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Accepts one connection (with `TCP_NODELAY`, so small responses are not held back), or
    /// returns `nil` if the attempt failed.
    static func accept(_ listener: Int32) -> Int32? {
        // Glibc's module map does not expose accept4(), so close-on-exec is set right after.
        let descriptor = Glibc.accept(listener, nil, nil)
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        var noDelay: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    /// Waits until `descriptor` is readable (`true`) or the stop latch is set (`false`).
    static func waitReadable(_ descriptor: Int32, unless latch: StopLatch) -> Bool {
        var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: latch.readDescriptor, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, fds[1].revents == 0 else { return false }
            return fds[0].revents != 0
        }
    }

    /// Reads what is available: the byte count, 0 at end of stream, or -1 on error.
    static func receive(_ descriptor: Int32, into buffer: inout [UInt8], upTo limit: Int = 64 * 1024) -> Int {
        var chunk = [UInt8](repeating: 0, count: limit)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, limit, 0) }
            if count < 0, errno == EINTR { continue }
            if count > 0 { buffer.append(contentsOf: chunk[..<count]) }
            return count
        }
    }

    /// Writes every byte (without raising SIGPIPE if the peer is gone), returning how many were
    /// written: fewer than `bytes.count` means the connection failed.
    static func sendAll(_ descriptor: Int32, _ bytes: some Collection<UInt8>) -> Int {
        let bytes = Array(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress?.advanced(by: offset), bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        return offset
    }

    enum Pause {
        case elapsed
        case stopped
        case peerClosed
    }

    /// Sleeps up to `milliseconds`, waking early when the server stops or the client closes its
    /// end, for responses written slowly on purpose.
    static func pause(_ descriptor: Int32, milliseconds: Int32, unless latch: StopLatch) -> Pause {
        // POLLRDHUP (peer closed or shut down writing) is Linux's 0x2000; Glibc's module map
        // does not export it. Not POLLIN: a pipelined next request is no reason to wake.
        let peerHangUp: Int16 = 0x2000
        var fds = [pollfd(fd: descriptor, events: peerHangUp, revents: 0),
                   pollfd(fd: latch.readDescriptor, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, milliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { return .elapsed }
            if ready < 0 || fds[1].revents != 0 { return .stopped }
            return .peerClosed
        }
    }
}
