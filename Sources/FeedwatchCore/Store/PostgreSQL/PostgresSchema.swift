/// The shared store's tables, one migration per schema version, applied in
/// order by the first daemon to start on a database (under an advisory lock,
/// so that daemons starting together do not apply one twice). The ideas are
/// SQLite's (`SQLiteSchema`): each distinct text stored once, keyed by its
/// hash; the outbox; one delivery row per event and channel.
enum PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// Held, for its transaction, by whoever migrates the database.
    static let migrationLock = 0x6665_6564_7761_7463  // "feedwatc"

    static let migrations: [Migration] = [
        Migration(version: 1, name: "sites, posts, versions, outbox, deliveries, poll requests", sql: """
            CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
            -- Names this database in idempotency keys.
            INSERT INTO meta (key, value) VALUES ('instance', substr(md5(random()::text || clock_timestamp()::text), 1, 16));
            CREATE TABLE site (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE,
                url text NOT NULL,
                rest_root text,
                baselined_at text,
                last_attempt_at text,
                last_success_at text,
                last_error text,
                failures_in_row integer NOT NULL DEFAULT 0
            );
            -- Per site and REST collection: the incremental sync's state.
            CREATE TABLE collection (
                site_id bigint NOT NULL REFERENCES site (id),
                type text NOT NULL,
                rest_base text,
                high_water_gmt text,
                last_reconcile_at text,
                last_verify_at text,
                validated_url text,
                etag text,
                last_modified text,
                PRIMARY KEY (site_id, type)
            );
            -- The newest stored state of every post: what a fetched post is compared with.
            CREATE TABLE post (
                site_id bigint NOT NULL REFERENCES site (id),
                type text NOT NULL,
                post_id bigint NOT NULL,
                version integer NOT NULL,
                modified_gmt text,
                hash text NOT NULL,
                field_hashes text NOT NULL,
                title text NOT NULL,
                link text NOT NULL,
                first_seen_at text NOT NULL,
                last_seen_at text NOT NULL,
                state text NOT NULL,
                was_public boolean NOT NULL,
                normalizer text,
                recheck boolean NOT NULL DEFAULT false,
                PRIMARY KEY (site_id, type, post_id)
            );
            CREATE INDEX post_by_id ON post (site_id, post_id);
            -- Each distinct field text once: UTF-8, or a zlib stream of it with its
            -- plain size (ContentText); the hash is the plain text's SHA-256.
            CREATE TABLE content (
                id bigserial PRIMARY KEY,
                hash bytea NOT NULL UNIQUE,
                text bytea NOT NULL,
                plain_size integer
            );
            -- Every version seen, numbered 1, 2, … per post; content_ids lists its
            -- texts' rows, in tracked-field order, then its raw texts.
            CREATE TABLE version (
                site_id bigint NOT NULL,
                type text NOT NULL,
                post_id bigint NOT NULL,
                number integer NOT NULL,
                seen_at text NOT NULL,
                modified_gmt text,
                hash text NOT NULL,
                change text NOT NULL,
                changed_fields text NOT NULL,
                content_ids text NOT NULL,
                PRIMARY KEY (site_id, type, post_id, number),
                FOREIGN KEY (site_id, type, post_id) REFERENCES post (site_id, type, post_id)
            );
            -- The outbox: events are written with the versions they report and
            -- written to the journal after the commit.
            CREATE TABLE event (
                id bigserial PRIMARY KEY,
                site_id bigint NOT NULL REFERENCES site (id),
                created_at text NOT NULL,
                payload text NOT NULL
            );
            -- An event waiting for a notify[] channel, queued in the transaction that
            -- committed the event, deleted once delivered or given up.
            CREATE TABLE delivery (
                channel text NOT NULL,
                event_id bigint NOT NULL,
                created_at text NOT NULL,
                payload text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at double precision NOT NULL,
                last_error text,
                PRIMARY KEY (channel, event_id)
            );
            CREATE TABLE channel (
                name text PRIMARY KEY,
                last_success_at text,
                last_error text,
                last_error_at text
            );
            -- `feedwatch poll` asking a daemon to sync sites now (PollRequest).
            CREATE TABLE poll_request (
                id bigserial PRIMARY KEY,
                sites text NOT NULL,
                full_sync boolean NOT NULL,
                requested_at text NOT NULL,
                taken_at text,
                answer text
            );
            """),
        Migration(version: 2, name: "nodes, site and channel leases, events claimed by node", sql: """
            -- Each daemon sharing the database, by its name (database.node): when it
            -- last said it was alive. One silent for a lease's length is taken for dead.
            CREATE TABLE node (
                name text PRIMARY KEY,
                host text NOT NULL,
                pid integer NOT NULL,
                version text NOT NULL,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                stopped_at timestamptz
            );
            -- When a site is next due (the cluster's politeness), and which daemon
            -- syncs it until when; the node that synced it last.
            ALTER TABLE site ADD COLUMN next_due timestamptz,
                ADD COLUMN lease_node text, ADD COLUMN lease_until timestamptz, ADD COLUMN last_node text;
            CREATE INDEX site_by_lease ON site (lease_node) WHERE lease_node IS NOT NULL;
            -- The node that reports the event: the one that committed it, or the
            -- one that took it over when that one died. A reported event stays,
            -- as in SQLite, with when it was written to the journal.
            ALTER TABLE event ADD COLUMN node text, ADD COLUMN emitted_at text;
            CREATE INDEX event_unreported ON event (node, id) WHERE emitted_at IS NULL;
            -- The one daemon delivering a channel's queue, until when.
            ALTER TABLE channel ADD COLUMN lease_node text, ADD COLUMN lease_until timestamptz;
            """),
        Migration(version: 3, name: "reported events kept for a while", sql: """
            -- Reported events older than EventQuery.retention are removed;
            -- `feedwatch changes` and the feed read the newest.
            CREATE INDEX event_by_time ON event (created_at);
            """),
    ]

    /// Applies the migrations the database lacks, each in the one transaction.
    static func migrate(_ connection: PostgresConnection) throws {
        try connection.execute("BEGIN")
        do {
            try connection.run("SELECT pg_advisory_xact_lock($1)", [migrationLock])
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = try connection.query("SELECT coalesce(max(version), 0) AS version FROM schema_migration")
                .first?.int("version") ?? 0
            guard applied <= migrations.count else { throw PostgresSchemaError.newer(version: applied) }
            for migration in migrations where migration.version > applied {
                try connection.execute(migration.sql)
                try connection.run("INSERT INTO schema_migration (version, name) VALUES ($1, $2)",
                                     [migration.version, migration.name])
            }
            try connection.execute("COMMIT")
        } catch {
            if connection.isOpen { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}

enum PostgresSchemaError: Error, CustomStringConvertible {
    case newer(version: Int)

    var description: String {
        switch self {
        case .newer(let version):
            "its schema is version \(version), written by a newer feedwatch than this one "
                + "(which knows \(PostgresSchema.migrations.count)); run that version on every node"
        }
    }
}
