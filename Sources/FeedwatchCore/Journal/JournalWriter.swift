import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Writes events to the systemd journal with `sd_journal_sendv`, or, where no
/// journal is listening (a developer's laptop), as readable lines on stderr.
public struct JournalWriter: Sendable {
    public enum Destination: Sendable, Equatable {
        case journal
        case standardError
    }

    public static let socketPath = "/run/systemd/journal/socket"

    public let destination: Destination

    public init(destination: Destination) { self.destination = destination }

    /// The journal when its socket exists, else stderr.
    public static func detect() -> JournalWriter {
        JournalWriter(destination: access(socketPath, F_OK) == 0 ? .journal : .standardError)
    }

    public func write(_ event: ChangeEvent) throws(JournalError) {
        switch destination {
        case .journal:
            try Self.send(event.journalFields)
        case .standardError:
            StandardError.write("feedwatch[\(event.kind.priority.label)]: \(event.message)\n")
        }
    }

    /// An entry that is not an event (a notification command's output, say),
    /// with fields that tie it to one.
    public func write(message: String, priority: JournalPriority, fields: [(String, String)]) {
        switch destination {
        case .journal:
            try? Self.send([("MESSAGE", message), ("PRIORITY", String(priority.rawValue)), ("SYSLOG_IDENTIFIER", "feedwatch")]
                + fields)
        case .standardError:
            StandardError.write("feedwatch[\(priority.label)]: \(message)\n")
        }
    }

    /// Hands one entry to journald. Values may hold any bytes, newlines included:
    /// `sd_journal_sendv` takes each field with its length.
    static func send(_ fields: [(String, String)]) throws(JournalError) {
        let encoded = fields.map { Array("\($0.0)=\($0.1)".utf8) }
        let total = encoded.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { buffer.deallocate() }
        var vectors: [iovec] = []
        vectors.reserveCapacity(encoded.count)
        var offset = 0
        for field in encoded {
            let start = buffer.baseAddress! + offset
            field.withUnsafeBytes { start.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            vectors.append(iovec(iov_base: start, iov_len: field.count))
            offset += field.count
        }
        let result = vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        if result < 0 { throw JournalError(code: -result) }
    }
}

public struct JournalError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public var description: String {
        "cannot write to the systemd journal: \(String(cString: strerror(code)))"
    }
}
