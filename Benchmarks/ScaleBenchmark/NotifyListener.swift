import Foundation
import Locking

/// The `NOTIFY_SOCKET` of the daemon under test, as systemd would have it:
/// when `READY=1` came, the last `STATUS=`, and the longest time the watchdog
/// went without `WATCHDOG=1` once the daemon was ready.
final class NotifyListener: @unchecked Sendable {
    struct Heard {
        var ready: ContinuousClock.Instant?
        var status = ""
        var lastWatchdog: ContinuousClock.Instant?
        var longestWatchdogGap: Duration = .zero
    }

    let path: String
    private let descriptor: Int32
    private let heard = Locked(Heard())
    private let thread: Thread?

    init(path: String) throws {
        self.path = path
        let listening = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard listening >= 0 else { throw BenchmarkError("socket(AF_UNIX): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(listening)
            throw BenchmarkError("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(listening, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        descriptor = listening
        let heard = self.heard
        thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !Thread.current.isCancelled {
                let count = buffer.withUnsafeMutableBytes { recv(listening, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { continue }
                let now = ContinuousClock.now
                for line in String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n") {
                    heard.withLock { heard in
                        if line == "READY=1", heard.ready == nil { heard.ready = now }
                        if line.hasPrefix("STATUS=") { heard.status = String(line.dropFirst(7)) }
                        if line == "WATCHDOG=1", heard.ready != nil {
                            if let last = heard.lastWatchdog { heard.longestWatchdogGap = max(heard.longestWatchdogGap, now - last) }
                            heard.lastWatchdog = now
                        }
                    }
                }
            }
        }
        thread?.start()
    }

    var current: Heard { heard.withLock { $0 } }

    func stop() {
        thread?.cancel()
        Thread.sleep(forTimeInterval: 0.3)
        close(descriptor)
        unlink(path)
    }
}
