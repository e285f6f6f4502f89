import GRDB
#if canImport(Glibc)
import Glibc
#endif

extension SQLiteStore {
    public func lockWriter() async throws -> DatabaseLock? {
        try DatabaseLock.acquire(database: path)
    }

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

extension SQLiteStore {
    /// SQLite's `PRAGMA quick_check`: it reads every page, so it takes a while on a large file.
    public func quickCheck() async throws(StoreError) -> [String] {
        let lines = try await read("checking the database (PRAGMA quick_check)") { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check")
        }
        return lines == ["ok"] ? [] : lines
    }
}
