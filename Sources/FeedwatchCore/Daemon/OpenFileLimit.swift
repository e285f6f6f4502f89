#if canImport(Glibc)
import Glibc
#endif

/// The number of files this process may have open, raised to what the system
/// allows before the first sync: each sync under way holds a socket, and
/// systemd starts services with a soft limit of 1,024 (for `select()`, which
/// feedwatch does not use) under a hard limit of 524,288, so 1,000 syncs at once
/// would fail with "Too many open files". Raising the soft limit up to the hard
/// one is what systemd.exec(5) asks of programs that need more.
public enum OpenFileLimit {
    /// Descriptors besides the syncs' sockets: the database and its WAL, the
    /// journal, epoll, the configuration and CA files, notify channels.
    static let reserve = 256

    /// Raises the soft limit to the hard one; returns the soft limit now in force.
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The most syncs at once that `openFiles` descriptors leave room for: a
    /// socket each, and about as many again for connections that finished
    /// within the last second or two and wait to be reused or closed.
    public static func concurrency(allowedBy openFiles: Int) -> Int {
        max(1, (openFiles - reserve) / 2)
    }

    /// Glibc declares `RLIMIT_NOFILE` as an enum case Swift imports as a type.
    private static var RLIMIT_NOFILE_VALUE: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
}
