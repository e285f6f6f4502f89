import GRDB

/// The database schema, one migration per released version. Never edit a
/// migration that has shipped: add a new one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE site (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    rest_root TEXT,
                    baselined_at TEXT,
                    last_attempt_at TEXT,
                    last_success_at TEXT,
                    last_error TEXT,
                    failures_in_row INTEGER NOT NULL DEFAULT 0
                );
                -- The newest stored state of every post: what a fetched post is compared with.
                CREATE TABLE post (
                    site_id INTEGER NOT NULL REFERENCES site(id),
                    type TEXT NOT NULL,
                    post_id INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    modified_gmt TEXT,
                    hash TEXT NOT NULL,
                    field_hashes TEXT NOT NULL,
                    title TEXT NOT NULL,
                    link TEXT NOT NULL,
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    PRIMARY KEY (site_id, type, post_id)
                ) WITHOUT ROWID;
                -- Every version seen, numbered 1, 2, … per post.
                CREATE TABLE version (
                    site_id INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    post_id INTEGER NOT NULL,
                    number INTEGER NOT NULL,
                    seen_at TEXT NOT NULL,
                    modified_gmt TEXT,
                    hash TEXT NOT NULL,
                    field_hashes TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    change TEXT NOT NULL,
                    changed_fields TEXT NOT NULL,
                    PRIMARY KEY (site_id, type, post_id, number),
                    FOREIGN KEY (site_id, type, post_id) REFERENCES post(site_id, type, post_id)
                ) WITHOUT ROWID;
                -- The outbox: events are written with the versions they report and
                -- emitted to the journal after the commit.
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    site_id INTEGER NOT NULL REFERENCES site(id),
                    created_at TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    emitted_at TEXT
                );
                CREATE INDEX event_unemitted ON event(id) WHERE emitted_at IS NULL;
                """)
        }
        migrator.registerMigration("v2: collection sync state") { db in
            try db.execute(sql: """
                -- Per site and REST collection: the incremental sync's high-water mark
                -- and when the periodic passes last ran.
                CREATE TABLE collection (
                    site_id INTEGER NOT NULL REFERENCES site(id),
                    type TEXT NOT NULL,
                    rest_base TEXT,
                    high_water_gmt TEXT,
                    last_reconcile_at TEXT,
                    last_verify_at TEXT,
                    -- Validators a cache in front of WordPress sent for the last
                    -- incremental listing, for a conditional request next time.
                    validated_url TEXT,
                    etag TEXT,
                    last_modified TEXT,
                    PRIMARY KEY (site_id, type)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3: content-addressed versions, post states", migrate: VersionsV3.migrate)
        migrator.registerMigration("v4: notification deliveries") { db in
            try db.execute(sql: """
                -- Names this database in idempotency keys: event ids start again in a new one.
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(8))));
                -- An event waiting for a notify[] channel, one row per (channel, event),
                -- written in the transaction that takes the event out of the journal's
                -- outbox, deleted once delivered or given up.
                CREATE TABLE delivery (
                    channel TEXT NOT NULL,
                    event_id INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    PRIMARY KEY (channel, event_id)
                ) WITHOUT ROWID;
                -- Each channel's last success and last failure, for `status`.
                CREATE TABLE channel (
                    name TEXT PRIMARY KEY,
                    last_success_at TEXT,
                    last_error TEXT,
                    last_error_at TEXT
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5: deliveries queued at commit, poll requests") { db in
            try db.execute(sql: """
                -- 1 once the event is queued for the notify[] channels that want it,
                -- in the transaction that committed it (see Store.write). Events
                -- already in the outbox are queued at the next write.
                ALTER TABLE event ADD COLUMN routed INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX event_unrouted ON event(id) WHERE routed = 0;
                -- `feedwatch poll` while a daemon holds the database: the daemon
                -- syncs the sites and answers here (see PollRequest).
                CREATE TABLE poll_request (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sites TEXT NOT NULL,
                    full INTEGER NOT NULL,
                    requested_at TEXT NOT NULL,
                    taken_at TEXT,
                    answer TEXT
                );
                """)
        }
        migrator.registerMigration("v6: same-second saves") { db in
            try db.execute(sql: """
                -- 1 when the stored version was read from a response made within
                -- seconds of its modified_gmt: WordPress may have saved the post again
                -- in that same second, with the same modified_gmt, so the next poll
                -- fetches it again (SameSecondSave).
                ALTER TABLE post ADD COLUMN recheck INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v7: compressed field texts", migrate: ContentV7.migrate)
        migrator.registerMigration("v8: reported events kept") { db in
            try db.execute(sql: """
                -- A reported event stays for EventQuery.retention, with when it was
                -- written to the journal: the record `feedwatch changes` and the feed read.
                CREATE INDEX event_by_time ON event(created_at);
                """)
        }
        return migrator
    }
}
