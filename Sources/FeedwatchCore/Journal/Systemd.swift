import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Every call feedwatch makes into libsystemd, each result checked and turned
/// into a Swift value or error (as swift-nio's `System.swift` does for libc).
enum Systemd {
    /// `sd_journal_sendv`: one entry of `FIELD=value` pairs. Values may hold
    /// any bytes, newlines included: each field goes with its length.
    ///
    /// libsystemd reports success when the journal's socket is missing
    /// (ENOENT), so callers look for the socket first (`JournalWriter`).
    static func journalSend(_ fields: [(String, String)]) throws(JournalError) {
        let encoded = fields.map { Array("\($0.0)=\($0.1)".utf8) }
        let total = encoded.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { buffer.deallocate() }
        var vectors: [iovec] = []
        vectors.reserveCapacity(encoded.count)
        var offset = 0
        for field in encoded {
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + field.count])
            slice.copyBytes(from: field)
            vectors.append(iovec(iov_base: slice.baseAddress, iov_len: field.count))
            offset += field.count
        }
        let result = vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        if result < 0 { throw JournalError(code: -result) }
    }

    /// `sd_notify`: `false` when the service manager expects no messages
    /// (`NOTIFY_SOCKET` unset).
    static func notify(_ state: String) throws(NotifyError) -> Bool {
        let result = sd_notify(0, state)
        if result < 0 { throw NotifyError(code: -result) }
        return result > 0
    }

    /// `sd_watchdog_enabled`: how often systemd expects `WATCHDOG=1`, if it does.
    static func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        return sd_watchdog_enabled(0, &microseconds) > 0 ? .microseconds(Int64(microseconds)) : nil
    }
}

/// systemd's notification socket did not take a message.
public struct NotifyError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public var description: String {
        "cannot notify systemd (NOTIFY_SOCKET): \(String(cString: strerror(code)))"
    }
}
