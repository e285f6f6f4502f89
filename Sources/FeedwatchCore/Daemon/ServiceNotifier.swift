import CSystemd

/// Talks to systemd through `sd_notify` (a no-op when `NOTIFY_SOCKET` is unset).
public struct ServiceNotifier: Sendable {
    /// How often systemd expects `WATCHDOG=1` (`WatchdogSec=`), if it does.
    public let watchdogInterval: Duration?

    public init() {
        var microseconds: UInt64 = 0
        watchdogInterval = sd_watchdog_enabled(0, &microseconds) > 0 ? .microseconds(Int64(microseconds)) : nil
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    /// "Still alive", with the current status line.
    public func heartbeat(status: String) { send("WATCHDOG=1\nSTATUS=\(status)") }
    public func stopping() { send("STOPPING=1") }

    private func send(_ state: String) {
        _ = sd_notify(0, state)
    }
}
