#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Leases and heartbeats in the database's `site`, `channel` and `node`
/// tables. Every time is the server's (`now()`), so the daemons' clocks need
/// not agree; durations travel as seconds.
extension PostgresStore: WorkSharing {
    public var sharing: (any WorkSharing)? { self }

    public func acquire(site: String, url: String, requested: Bool) async throws(StoreError) -> SiteLease {
        try await write("taking the lease of \(site)") { [node, lease] connection in
            // SKIP LOCKED: a site another daemon is taking or giving back right
            // now is theirs; nobody waits for anybody.
            guard let row = try connection.query("""
                SELECT id, lease_node, coalesce(lease_until > now(), false) AS leased,
                    coalesce(extract(epoch FROM greatest(next_due, lease_until) - now()), 0) AS due_in
                FROM site WHERE name = $1 FOR UPDATE SKIP LOCKED
                """, [site]).first
            else {
                let inserted = try connection.query("""
                    INSERT INTO site (name, url, lease_node, lease_until)
                    VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision))
                    ON CONFLICT (name) DO NOTHING RETURNING id
                    """, [site, url, node, lease.inSeconds]).first
                return inserted != nil ? .taken : .elsewhere(dueIn: .seconds(1), leased: true)
            }
            let dueIn = Duration.seconds(max(0, row.double("due_in") ?? 0))
            if row.bool("leased") == true, row.string("lease_node") != node {
                return .elsewhere(dueIn: dueIn, leased: true)
            }
            if !requested, dueIn > .zero { return .elsewhere(dueIn: dueIn, leased: false) }
            try connection.run("""
                UPDATE site SET lease_node = $1, lease_until = now() + make_interval(secs => $2::double precision)
                WHERE id = $3
                """, [node, lease.inSeconds, row.int64("id")])
            return .taken
        }
    }

    public func release(site: String, nextDue: Duration) async throws(StoreError) {
        try await write("giving back the lease of \(site)") { [node] connection in
            try connection.run("""
                UPDATE site SET lease_node = NULL, lease_until = NULL, last_node = $1,
                    next_due = now() + make_interval(secs => $2::double precision)
                WHERE name = $3 AND lease_node = $1
                """, [node, nextDue.inSeconds, site])
        }
    }

    public func bringForward(site: String, dueWithin: Duration) async throws(StoreError) {
        try await write("bringing the next sync of \(site) forward") { connection in
            try connection.run("""
                UPDATE site SET next_due = least(next_due, now() + make_interval(secs => $1::double precision))
                WHERE name = $2
                """, [dueWithin.inSeconds, site])
        }
    }

    public func heartbeat(command: String) async throws(StoreError) {
        try await write("telling the other daemons this one is alive") { [node, lease] connection in
            try connection.run("""
                INSERT INTO node (name, host, pid, version, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, now(), now())
                ON CONFLICT (name) DO UPDATE SET heartbeat_at = now(), stopped_at = NULL,
                    started_at = CASE WHEN node.pid = excluded.pid AND node.host = excluded.host
                        AND node.stopped_at IS NULL THEN node.started_at ELSE now() END,
                    host = excluded.host, pid = excluded.pid, version = excluded.version
                """, [node, Self.hostName, Int(getpid()), "\(FeedwatchVersion.string) \(command)"])
            for table in ["site", "channel"] {
                try connection.run("""
                    UPDATE \(table) SET lease_until = now() + make_interval(secs => $2::double precision)
                    WHERE lease_node = $1 AND lease_until IS NOT NULL
                    """, [node, lease.inSeconds])
            }
        }
    }

    public func leave() async throws(StoreError) {
        try await write("giving up this daemon's leases") { [node] connection in
            for table in ["site", "channel"] {
                try connection.run("UPDATE \(table) SET lease_node = NULL, lease_until = NULL WHERE lease_node = $1", [node])
            }
            try connection.run("UPDATE node SET stopped_at = now() WHERE name = $1", [node])
        }
    }

    public func nodes() async throws(StoreError) -> [NodeStatus] {
        try await read("reading the daemons sharing the database") { [lease] connection in
            try connection.query("""
                SELECT name, host, pid, version, extract(epoch FROM started_at) AS started,
                    extract(epoch FROM heartbeat_at) AS heartbeat, extract(epoch FROM stopped_at) AS stopped,
                    (stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1::double precision)) AS alive,
                    (SELECT count(*) FROM site WHERE lease_node = node.name AND lease_until > now()) AS leases,
                    (SELECT count(*) FROM site WHERE last_node = node.name) AS sites
                FROM node ORDER BY name COLLATE "C"
                """, [lease.inSeconds]).rows.map { row in
                NodeStatus(name: row.string("name") ?? "", host: row.string("host") ?? "",
                           pid: Int32(row.int("pid") ?? 0), version: row.string("version") ?? "",
                           startedAt: row.double("started").map(Date.init(timeIntervalSince1970:)),
                           heartbeatAt: row.double("heartbeat").map(Date.init(timeIntervalSince1970:)),
                           stoppedAt: row.double("stopped").map(Date.init(timeIntervalSince1970:)),
                           alive: row.bool("alive") ?? false, leases: row.int("leases") ?? 0, sites: row.int("sites") ?? 0)
            }
        }
    }

    /// One process at a time acts as a node: this one, if it gets the
    /// node's advisory lock, held by a session of its own for as long as the
    /// lock value lives (the server lets go of it when the process dies).
    public func lockWriter() async throws -> DatabaseLock? {
        do {
            try await migrateOnce()
            let session = try await pool.dedicatedSession { [node] connection in
                try Self.takeNodeLock(node, on: connection)
            }
            nodeSession.withLock { $0.session = session }
            return session.map { DatabaseLock.held(by: $0, naming: "node \(node)") }
        } catch {
            throw StoreError(path: location, operation: "taking the lock of node \(node)", error: error)
        }
    }

    /// A server restart ends every session, and the node's lock with it: this
    /// takes the lock again on a new session, and says `false` if another
    /// process acting as this node took it meanwhile.
    public func keepNodeLock() async throws(StoreError) -> Bool {
        guard let session = nodeSession.withLock({ $0.session }) else { return true }
        let check: @Sendable (PostgresConnection, Bool) throws -> Bool = { [node] connection, opened in
            if opened { return try Self.takeNodeLock(node, on: connection) }  // the old session is gone
            return try connection.query("""
                SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
                    AND classid = $1::oid AND objid = hashtext($2)::oid AND objsubid = 2) AS held
                """, [Self.nodeLockClass, node]).first?.bool("held") == true
        }
        do {
            return try await pool.on(session, check)
        } catch {
            throw StoreError(path: location, operation: "keeping the lock of node \(node)", error: error)
        }
    }

    private static func takeNodeLock(_ node: String, on connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked",
                             [nodeLockClass, node]).first?.bool("locked") == true
    }

    /// The first key of every node's advisory lock ("fdwn"); the second is the name's hash.
    static let nodeLockClass = 0x6664_776E

    /// Writes this process down as the node's writer; call with the lock held.
    public func recordWriter(command: String) async throws(StoreError) {
        try await heartbeat(command: command)
    }

    /// The process acting as this node, by its own record.
    public func writer() async throws(StoreError) -> DatabaseWriter? {
        try await read("reading the daemon acting as node \(node)") { [node] connection in
            guard let row = try connection.query("SELECT pid, version FROM node WHERE name = $1", [node]).first,
                  let pid = row.int("pid")
            else { return nil }
            return DatabaseWriter(pid: Int32(pid), command: String(row.string("version")?.split(separator: " ").last ?? "run"))
        }
    }

    /// This machine's name: a node's name unless the configuration gives one.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
