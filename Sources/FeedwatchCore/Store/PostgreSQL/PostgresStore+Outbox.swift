#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresStore {
    /// Claims, oldest first, the unreported events that are this daemon's to
    /// report: those it committed, and those of a daemon that stopped or died
    /// (no heartbeat within a lease) or of a process that was no daemon. A
    /// claimed event is reported by its claimant alone, so each event reaches
    /// one machine's journal.
    public func unemittedEvents(limit: Int) async throws(StoreError) -> [PendingEvent] {
        try await write("claiming unreported events") { [node, lease] connection in
            try connection.query("""
                UPDATE event SET node = $1 WHERE id IN (
                    SELECT event.id FROM event LEFT JOIN node ON node.name = event.node
                    WHERE event.emitted_at IS NULL AND (event.node = $1 OR event.node IS NULL OR node.name IS NULL
                        OR node.stopped_at IS NOT NULL OR node.heartbeat_at < now() - make_interval(secs => $2::double precision))
                    ORDER BY event.id LIMIT $3 FOR UPDATE OF event SKIP LOCKED)
                RETURNING id, created_at, payload
                """, [node, lease.inSeconds, limit]).rows.map(Self.pendingEvent).sorted { $0.id < $1.id }
        }
    }

    public func markEmitted(_ pending: PendingEvent) async throws(StoreError) {
        let now = Date()
        try await write("marking an event as reported") { connection in
            try connection.run("UPDATE event SET emitted_at = $1 WHERE id = $2", [now.ISO8601Format(), pending.id])
            try connection.run("DELETE FROM event WHERE created_at < $1 AND emitted_at IS NOT NULL",
                               [now.addingTimeInterval(-EventQuery.retention.inSeconds).ISO8601Format()])
        }
    }

    public func events(matching query: EventQuery) async throws(StoreError) -> [PendingEvent] {
        try await read("reading recorded events") { connection in
            try connection.query("""
                SELECT event.id, event.created_at, event.payload FROM event JOIN site ON site.id = event.site_id
                WHERE event.created_at >= $1 AND ($2::text IS NULL OR site.name = $2)
                    AND event.payload::json->>'kind' = ANY($3::text[])
                ORDER BY event.id DESC LIMIT $4
                """, [query.since?.ISO8601Format() ?? "", query.site, PostgresArray.texts(query.kinds.map(\.rawValue)), query.limit])
                .rows.map(Self.pendingEvent)
        }
    }

    /// The events this daemon has to report.
    public func unemittedCount() async throws(StoreError) -> Int {
        try await read("counting unreported events") { [node] connection in
            try connection.query("SELECT count(*) AS n FROM event WHERE node = $1 AND emitted_at IS NULL", [node]).first?.int("n") ?? 0
        }
    }

    private static func pendingEvent(_ row: PostgresRow) throws -> PendingEvent {
        guard let id = row.int64("id"), let payload = row.string("payload") else {
            throw PostgresError("an event row without id or payload")
        }
        return PendingEvent(id: id, event: try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)),
                            createdAt: row.string("created_at") ?? "")
    }

    /// The channel's oldest undelivered event, if this daemon delivers the
    /// channel: it takes (or renews) the channel's lease first, so one daemon
    /// at a time delivers a channel, in order; `nil` while another does.
    public func nextDelivery(for channel: String) async throws(StoreError) -> Delivery? {
        try await write("reading the next notification for \(channel)") { [node, lease] connection in
            guard try connection.query("""
                INSERT INTO channel (name, lease_node, lease_until)
                VALUES ($1, $2, now() + make_interval(secs => $3::double precision))
                ON CONFLICT (name) DO UPDATE SET lease_node = excluded.lease_node, lease_until = excluded.lease_until
                WHERE channel.lease_node = excluded.lease_node OR channel.lease_until IS NULL OR channel.lease_until < now()
                RETURNING name
                """, [channel, node, lease.inSeconds]).first != nil,
                let row = try connection.query("""
                SELECT event_id, created_at, payload, attempts, next_attempt_at FROM delivery
                WHERE channel = $1 ORDER BY event_id LIMIT 1
                """, [channel]).first,
                let id = row.int64("event_id"), let payload = row.string("payload")
            else { return nil }
            return Delivery(channel: channel, eventID: id,
                            event: try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)),
                            createdAt: Timestamp.date(row.string("created_at")) ?? Date(), attempts: row.int("attempts") ?? 0,
                            nextAttempt: Date(timeIntervalSince1970: row.double("next_attempt_at") ?? 0))
        }
    }

    public func deliverySucceeded(_ delivery: Delivery) async throws(StoreError) {
        try await write("recording a notification sent to \(delivery.channel)") { connection in
            try Self.remove(delivery, in: connection)
            try connection.run("""
                INSERT INTO channel (name, last_success_at) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET last_success_at = excluded.last_success_at
                """, [delivery.channel, Timestamp.now()])
        }
    }

    public func deliveryFailed(_ delivery: Delivery, error: String, retryAt: Date) async throws(StoreError) {
        try await write("recording a failed notification to \(delivery.channel)") { connection in
            try connection.run("""
                UPDATE delivery SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2
                WHERE channel = $3 AND event_id = $4
                """, [retryAt.timeIntervalSince1970, error, delivery.channel, delivery.eventID])
            try Self.recordError(error, channel: delivery.channel, in: connection)
        }
    }

    public func deliveryAbandoned(_ delivery: Delivery, reason: String) async throws(StoreError) {
        try await write("giving up a notification to \(delivery.channel)") { connection in
            try Self.remove(delivery, in: connection)
            try Self.recordError(reason, channel: delivery.channel, in: connection)
        }
    }

    public func dropDeliveries(exceptFor channels: [String]) async throws(StoreError) -> [String: Int] {
        try await write("forgetting notifications of removed channels") { connection in
            var dropped: [String: Int] = [:]
            for row in try connection.query("""
                DELETE FROM delivery WHERE NOT (channel = ANY($1::text[])) RETURNING channel
                """, [PostgresArray.texts(channels)]).rows {
                if let name = row.string("channel") { dropped[name, default: 0] += 1 }
            }
            return dropped
        }
    }

    public func channelStatuses(_ channels: [String]) async throws(StoreError) -> [ChannelStatus] {
        try await read("reading the state of the notification channels") { connection in
            try channels.map { name in
                let queue = try connection.query(
                    "SELECT count(*) AS backlog, min(created_at) AS oldest FROM delivery WHERE channel = $1", [name]).first
                let record = try connection.query(
                    "SELECT last_success_at, last_error, last_error_at FROM channel WHERE name = $1", [name]).first
                return ChannelStatus(name: name, backlog: queue?.int("backlog") ?? 0,
                                     oldestWaiting: Timestamp.date(queue?.string("oldest")),
                                     lastSuccess: Timestamp.date(record?.string("last_success_at")),
                                     lastError: record?.string("last_error"),
                                     lastErrorAt: Timestamp.date(record?.string("last_error_at")))
            }
        }
    }

    public func instanceID() async throws(StoreError) -> String {
        try await read("reading the database's instance id") { connection in
            try connection.query("SELECT value FROM meta WHERE key = 'instance'").first?.string("value") ?? "feedwatch"
        }
    }

    private static func remove(_ delivery: Delivery, in connection: PostgresConnection) throws {
        try connection.run("DELETE FROM delivery WHERE channel = $1 AND event_id = $2", [delivery.channel, delivery.eventID])
    }

    private static func recordError(_ error: String, channel: String, in connection: PostgresConnection) throws {
        try connection.run("""
            INSERT INTO channel (name, last_error, last_error_at) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at
            """, [channel, error, Timestamp.now()])
    }
}
