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

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The lock of a database that several daemons share (PostgreSQL): they
    /// never exclude one another, so it holds nothing.
    public static func shared() -> DatabaseLock { DatabaseLock(path: "", descriptor: -1) }

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
