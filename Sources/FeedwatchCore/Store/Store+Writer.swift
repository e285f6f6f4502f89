import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The process that holds a database's lock (`DatabaseLock`), as it wrote
/// itself down on taking it: for messages that name it.
public struct DatabaseWriter: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    /// `run` or `poll`.
    public var command: String

    public var description: String { "feedwatch \(command) (pid \(pid))" }
}

extension Store {
    /// Writes this process down as the database's writer; call with the lock held.
    public func recordWriter(command: String) async throws(StoreError) {
        try await write("recording this process as the database's writer") { db in
            try db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('writer', ?)", ["\(getpid()) \(command)"])
        }
    }

    /// The last process that took the lock, by its own record.
    public func writer() async throws(StoreError) -> DatabaseWriter? {
        try await read("reading the database's writer") { db in
            guard let value = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'writer'") else { return nil }
            let words = value.split(separator: " ")
            guard words.count == 2, let pid = Int32(words[0]) else { return nil }
            return DatabaseWriter(pid: pid, command: String(words[1]))
        }
    }
}

extension Store {
    /// SQLite's `PRAGMA quick_check`: the problems it finds, none when the
    /// file is sound (it reads every page, so it takes a while on a large one).
    public func quickCheck() async throws(StoreError) -> [String] {
        let lines = try await read("checking the database (PRAGMA quick_check)") { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check")
        }
        return lines == ["ok"] ? [] : lines
    }

    /// `quickCheck()`, as an error when the file is damaged: the daemon's
    /// first step, so it never builds on a broken history.
    public func requireSound() async throws(StoreError) {
        let problems = try await quickCheck()
        guard problems.isEmpty else {
            throw StoreError(path: path, operation: "checking the database (PRAGMA quick_check)", error: Damage(problems: problems))
        }
    }

    private struct Damage: Error, CustomStringConvertible {
        let problems: [String]
        var description: String {
            let shown = problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; …" : "")
            return "the file is damaged (\(shown)); restore it from a backup, or move it away to start a new history"
        }
    }
}
