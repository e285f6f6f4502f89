import Foundation
import Locking
import TestSupport

/// The `NOTIFY_SOCKET` of the daemon under test, as systemd would have it:
/// when `READY=1` came, the last `STATUS=`, and the longest time the watchdog
/// went without `WATCHDOG=1` once the daemon was ready.
final class NotifyListener: Sendable {
    struct Heard {
        var ready: ContinuousClock.Instant?
        var status = ""
        var lastWatchdog: ContinuousClock.Instant?
        var longestWatchdogGap: Duration = .zero

        mutating func note(_ message: String, at time: ContinuousClock.Instant) {
            for line in message.split(separator: "\n") {
                if line == "READY=1", ready == nil { ready = time }
                if line.hasPrefix("STATUS=") { status = String(line.dropFirst(7)) }
                if line == "WATCHDOG=1", ready != nil {
                    if let lastWatchdog { longestWatchdogGap = max(longestWatchdogGap, time - lastWatchdog) }
                    lastWatchdog = time
                }
            }
        }
    }

    private let socket: NotifySocket
    private let heard: Locked<Heard>

    var path: String { socket.path }

    init(path: String) throws {
        let heard = Locked(Heard())
        self.heard = heard
        socket = try NotifySocket(path: path) { message, time in heard.withLock { $0.note(message, at: time) } }
    }

    var current: Heard { heard.withLock { $0 } }

    func stop() {
        socket.close()
    }
}
