#if canImport(Glibc)
import Glibc
#endif

/// Writes events to the systemd journal with `sd_journal_sendv`, or, where no
/// journal exists and none is expected (a developer's laptop), as readable
/// lines on stderr.
///
/// The choice is made for every write, not once: a daemon started before
/// journald, or running while journald restarts, writes to the journal as soon
/// as it is there. `sd_journal_sendv` reports success when the journal's socket
/// does not exist at all (libsystemd ignores ENOENT), so the socket is looked
/// for first: an event is only ever taken as written when journald took it.
public struct JournalWriter: Sendable {
    public enum Destination: Sendable, Equatable {
        /// The journal, which must be there: without it a write fails, and the
        /// event waits (under systemd).
        case journal
        /// The journal when its socket exists, else stderr (no systemd here).
        case journalIfPresent
        case standardError
    }

    /// libsystemd's socket, the only one `sd_journal_sendv` writes to.
    public static let socketPath = "/run/systemd/journal/socket"

    public let destination: Destination

    public init(destination: Destination) { self.destination = destination }

    /// The journal under systemd (the service manager set `INVOCATION_ID`,
    /// `JOURNAL_STREAM` or `NOTIFY_SOCKET`, or systemd is the init system): a
    /// missing journal is then one that is restarting, and events wait for it.
    /// Elsewhere the journal if present, else stderr.
    public static func detect(environment: [String: String]) -> JournalWriter {
        let underSystemd = ["INVOCATION_ID", "JOURNAL_STREAM", "NOTIFY_SOCKET"].contains { environment[$0] != nil }
            || access("/run/systemd/system", F_OK) == 0
        return JournalWriter(destination: underSystemd ? .journal : .journalIfPresent)
    }

    /// Whether a write now would go to the journal rather than stderr.
    var writesToJournal: Bool {
        switch destination {
        case .journal: true
        case .journalIfPresent: Self.socketExists
        case .standardError: false
        }
    }

    private static var socketExists: Bool { access(socketPath, F_OK) == 0 }

    /// Writes one event; throws when the journal did not take it.
    public func write(_ event: ChangeEvent) throws(JournalError) {
        if writesToJournal {
            try Self.send(event.journalFields)
        } else {
            StandardError.write("feedwatch[\(event.kind.priority.label)]: \(event.message)\n")
        }
    }

    /// An entry that is not an event (a notification command's output, a
    /// diagnostic), with fields that tie it to a site or an event; on stderr
    /// when the journal does not take it.
    public func write(message: String, priority: JournalPriority, fields: [(String, String)]) {
        if writesToJournal, (try? Self.send(Self.entry(message, priority, fields))) != nil { return }
        StandardError.write("feedwatch[\(priority.label)]: \(message)\n")
    }

    /// An entry for the journal alone, when it is there (a terminal shows the
    /// same on stderr): nothing otherwise.
    public func writeIfPresent(message: String, priority: JournalPriority, fields: [(String, String)]) {
        guard destination != .standardError else { return }
        try? Self.send(Self.entry(message, priority, fields))
    }

    private static func entry(_ message: String, _ priority: JournalPriority, _ fields: [(String, String)]) -> [(String, String)] {
        [("MESSAGE", message), ("PRIORITY", String(priority.rawValue)), ("SYSLOG_IDENTIFIER", "feedwatch")] + fields
    }

    /// Hands one entry to journald, which must be listening.
    static func send(_ fields: [(String, String)]) throws(JournalError) {
        guard socketExists else { throw JournalError(code: ENOENT) }
        try Systemd.journalSend(fields)
    }
}

/// The journal did not take an entry.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    /// The errno: `ENOENT` when journald's socket is missing.
    public let code: Int32

    public var description: String {
        if code == ENOENT {
            return "the systemd journal is unavailable (\(JournalWriter.socketPath) is missing: journald is stopped or restarting)"
        }
        return "cannot write to the systemd journal: \(String(cString: strerror(code)))"
    }
}
