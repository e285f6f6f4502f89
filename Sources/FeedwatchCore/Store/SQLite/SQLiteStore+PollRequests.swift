import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteStore {
    /// Answered requests older than this are cleared: their asker went away.
    static let answeredRequestLifetime: TimeInterval = 3600

    public func requestPoll(sites: [String], full: Bool) async throws(StoreError) -> Int64 {
        try await write("asking the daemon to poll") { db in
            let names = String(decoding: try JSONEncoder().encode(sites), as: UTF8.self)
            try db.run("INSERT INTO poll_request (sites, full, requested_at) VALUES (?, ?, ?)", [names, full, Timestamp.now()])
            return db.lastInsertedRowID
        }
    }

    /// Takes every request not taken yet, oldest first (the daemon).
    public func takePollRequests() async throws(StoreError) -> [PollRequest] {
        // A read first: the daemon looks every few hundred milliseconds, and
        // nearly always finds nothing.
        let waiting = try await read("reading poll requests") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM poll_request WHERE taken_at IS NULL") ?? 0
        }
        guard waiting > 0 else { return [] }
        return try await write("taking poll requests") { db in
            let cutoff = Date().addingTimeInterval(-Self.answeredRequestLifetime).ISO8601Format()
            try db.run("DELETE FROM poll_request WHERE answer IS NOT NULL AND requested_at < ?", [cutoff])
            let rows = try Row.fetchAll(db, sql: "SELECT id, sites, full FROM poll_request WHERE taken_at IS NULL ORDER BY id")
            try db.run("UPDATE poll_request SET taken_at = ? WHERE taken_at IS NULL", [Timestamp.now()])
            return try rows.map { row in
                let names: String = row["sites"]
                return PollRequest(id: row["id"], sites: try JSONDecoder().decode([String].self, from: Data(names.utf8)),
                                   full: row["full"])
            }
        }
    }

    public func answerPoll(_ id: Int64, with outcomes: [SiteOutcome]) async throws(StoreError) {
        try await write("answering a poll request") { db in
            let answer = String(decoding: try JSONEncoder().encode(outcomes), as: UTF8.self)
            try db.run("UPDATE poll_request SET answer = ? WHERE id = ?", [answer, id])
        }
    }

    public func pollRequestState(_ id: Int64) async throws(StoreError) -> PollRequest.State {
        try await read("reading a poll request") { db in
            guard let row = try db.row("SELECT taken_at, answer FROM poll_request WHERE id = ?", [id]) else { return .gone }
            if let answer = row["answer"] as String? {
                return .answered(try JSONDecoder().decode([SiteOutcome].self, from: Data(answer.utf8)))
            }
            return (row["taken_at"] as String?) == nil ? .waiting : .taken
        }
    }

    /// Takes back a request the daemon has not taken; `false` if it has.
    public func withdrawPollRequest(_ id: Int64) async throws(StoreError) -> Bool {
        try await write("withdrawing a poll request") { db in
            try db.run("DELETE FROM poll_request WHERE id = ? AND taken_at IS NULL", [id])
            return db.changesCount > 0
        }
    }

    /// Clears an answered request (its asker has read the answer).
    public func forgetPollRequest(_ id: Int64) async throws(StoreError) {
        try await write("clearing a poll request") { db in
            try db.run("DELETE FROM poll_request WHERE id = ?", [id])
        }
    }
}
