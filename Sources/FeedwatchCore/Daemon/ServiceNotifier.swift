#if canImport(Glibc)
import Glibc
#endif

/// Talks to systemd through `sd_notify` (a no-op when `NOTIFY_SOCKET` is unset).
public struct ServiceNotifier: Sendable {
    /// How often systemd expects `WATCHDOG=1` (`WatchdogSec=`), if it does.
    public let watchdogInterval: Duration?

    public init() {
        watchdogInterval = Systemd.watchdogInterval()
    }

    public func ready(status: String? = nil) { send("READY=1" + (status.map { "\nSTATUS=\($0)" } ?? "")) }
    public func status(_ text: String) { send("STATUS=\(text)") }
    /// "Still alive", with the current status line.
    public func heartbeat(status: String) { send("WATCHDOG=1\nSTATUS=\(status)") }
    /// Before a reload, which `ready(status:)` ends; systemd wants the
    /// CLOCK_MONOTONIC time of the request.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)")
    }

    public func stopping() { send("STOPPING=1") }

    /// A message systemd did not take is worth a line: its watchdog or its
    /// start timeout will act on the silence.
    private func send(_ state: String) {
        do {
            _ = try Systemd.notify(state)
        } catch {
            StandardError.write("feedwatch: \(error)\n")
        }
    }
}
