#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresStore {
    public func requestPoll(sites: [String], full: Bool) async throws(StoreError) -> Int64 {
        try await write("asking the daemon to poll") { connection in
            let names = String(decoding: try JSONEncoder().encode(sites), as: UTF8.self)
            guard let id = try connection.query("""
                INSERT INTO poll_request (sites, full_sync, requested_at) VALUES ($1, $2, $3) RETURNING id
                """, [names, full, Timestamp.now()]).first?.int64("id")
            else { throw PostgresError("INSERT INTO poll_request returned no id") }
            return id
        }
    }

    public func takePollRequests() async throws(StoreError) -> [PollRequest] {
        // A read first: a daemon looks every few hundred milliseconds, and nearly always finds nothing.
        let waiting = try await read("reading poll requests") { connection in
            try connection.query("SELECT count(*) AS n FROM poll_request WHERE taken_at IS NULL").first?.int("n") ?? 0
        }
        guard waiting > 0 else { return [] }
        return try await write("taking poll requests") { connection in
            let cutoff = Date().addingTimeInterval(-3600).ISO8601Format()
            try connection.run("DELETE FROM poll_request WHERE answer IS NOT NULL AND requested_at < $1", [cutoff])
            // Each request is taken by one daemon: another's taking skips the rows locked here.
            return try connection.query("""
                UPDATE poll_request SET taken_at = $1 WHERE id IN (
                    SELECT id FROM poll_request WHERE taken_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED)
                RETURNING id, sites, full_sync
                """, [Timestamp.now()]).rows.map { row in
                guard let id = row.int64("id"), let names = row.string("sites") else {
                    throw PostgresError("a poll request without id or sites")
                }
                return PollRequest(id: id, sites: try JSONDecoder().decode([String].self, from: Data(names.utf8)),
                                   full: row.bool("full_sync") ?? false)
            }.sorted { $0.id < $1.id }
        }
    }

    public func answerPoll(_ id: Int64, with outcomes: [SiteOutcome]) async throws(StoreError) {
        try await write("answering a poll request") { connection in
            let answer = String(decoding: try JSONEncoder().encode(outcomes), as: UTF8.self)
            try connection.run("UPDATE poll_request SET answer = $1 WHERE id = $2", [answer, id])
        }
    }

    public func pollRequestState(_ id: Int64) async throws(StoreError) -> PollRequest.State {
        try await read("reading a poll request") { connection in
            guard let row = try connection.query("SELECT taken_at, answer FROM poll_request WHERE id = $1", [id]).first
            else { return .gone }
            if let answer = row.string("answer") {
                return .answered(try JSONDecoder().decode([SiteOutcome].self, from: Data(answer.utf8)))
            }
            return row.string("taken_at") == nil ? .waiting : .taken
        }
    }

    public func withdrawPollRequest(_ id: Int64) async throws(StoreError) -> Bool {
        try await write("withdrawing a poll request") { connection in
            try connection.query("DELETE FROM poll_request WHERE id = $1 AND taken_at IS NULL", [id]).affectedRows > 0
        }
    }

    public func forgetPollRequest(_ id: Int64) async throws(StoreError) {
        try await write("clearing a poll request") { connection in
            try connection.run("DELETE FROM poll_request WHERE id = $1", [id])
        }
    }
}
