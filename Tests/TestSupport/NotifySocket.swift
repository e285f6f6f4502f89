import Foundation
import Glibc
import Locking
import Synchronization

/// A unix datagram socket standing in for systemd's notify socket. Like
/// systemd, it reads every message as it arrives (a thread of its own), so a
/// daemon's `sd_notify` never blocks on a full socket buffer.
public final class NotifySocket: Sendable {
    public let path: String
    private let descriptor: Int32
    private let received = Locked<[String]>([])
    private let stopped = Atomic<Bool>(false)
    private let onMessage: (@Sendable (String, ContinuousClock.Instant) -> Void)?

    /// - Parameter onMessage: called on the socket's thread with each message
    ///   and when it arrived, besides keeping it for `receive`.
    public init(path: String, onMessage: (@Sendable (String, ContinuousClock.Instant) -> Void)? = nil) throws {
        self.path = path
        self.onMessage = onMessage
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw NotifySocketError() }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in readUntilClosed() }
    }

    private func readUntilClosed() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped.load(ordering: .acquiring) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[..<count], as: UTF8.self)
            onMessage?(message, .now)
            received.withLock { $0.append(message) }
        }
        _ = Glibc.close(descriptor)
    }

    /// The messages received since the last call, up to and including the
    /// first that satisfies `done`; waits up to `timeout` seconds for it.
    public func receive(until done: (String) -> Bool, timeout: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let batch = received.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
            for (index, message) in batch.enumerated() {
                messages.append(message)
                if done(message) {
                    // Keep the rest for the next call.
                    received.withLock { $0.insert(contentsOf: batch[(index + 1)...], at: 0) }
                    return messages
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        return messages
    }

    public func close() {
        stopped.store(true, ordering: .releasing)
        unlink(path)
    }
}

public struct NotifySocketError: Error {}
