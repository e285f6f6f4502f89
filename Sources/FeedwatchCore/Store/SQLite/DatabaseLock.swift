#if canImport(Glibc)
import Glibc
#endif

/// The one-writer lock of a database: an exclusive `flock` on the file
/// `<database>.lock` beside it, held for as long as this value lives. The
/// kernel lets go of it when the process ends, however it ends, so a crashed
/// daemon never leaves a stale lock behind.
///
/// `run` holds it for its whole life, and `poll` while it syncs; a `poll`
/// that finds it taken asks the daemon instead (`PollRequest`). Readers
/// (`status`, `history`, `diff`) never take it.
public final class DatabaseLock: Sendable {
    public let path: String
    private let descriptor: Int32
    /// What else keeps the lock while it lives: a PostgreSQL session holding
    /// the advisory lock of this daemon's node name.
    private let holder: (any AnyObject & Sendable)?

    private init(path: String, descriptor: Int32, holder: (any AnyObject & Sendable)? = nil) {
        self.path = path
        self.descriptor = descriptor
        self.holder = holder
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The lock of one node of a database several daemons share (PostgreSQL):
    /// held by `holder` (a session), so that one process at a time acts as
    /// that node, while the other nodes go on.
    static func held(by holder: any AnyObject & Sendable, naming name: String) -> DatabaseLock {
        DatabaseLock(path: name, descriptor: -1, holder: holder)
    }

    public static func path(forDatabase database: String) -> String { database + ".lock" }

    /// Takes the lock if no other process holds it; `nil` if one does.
    public static func acquire(database: String) throws(DatabaseLockError) -> DatabaseLock? {
        let path = path(forDatabase: database)
        // Read-only is enough for flock, and works on a lock file another user made.
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DatabaseLockError(path: path, code: errno) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            if code == EWOULDBLOCK { return nil }
            throw DatabaseLockError(path: path, code: code)
        }
        return DatabaseLock(path: path, descriptor: descriptor)
    }
}

/// The lock file could not be opened or locked.
public struct DatabaseLockError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let code: Int32

    public var description: String {
        "cannot lock \(path): \(String(cString: strerror(code))) (the database's directory must be writable by this user)"
    }
}
