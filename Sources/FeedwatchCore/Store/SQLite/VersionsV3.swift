import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Schema v3: versions refer to their field texts in the content-addressed
/// `content` table instead of holding a JSON copy each, and posts remember
/// whether they are public, hidden or deleted, and which normalization their
/// hashes were made with. The outbox keeps only events
/// not yet reported.
enum VersionsV3 {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- Every distinct field text of every stored version, once.
            CREATE TABLE content (
                id INTEGER PRIMARY KEY,
                hash BLOB NOT NULL UNIQUE,  -- SHA-256 of text
                text TEXT NOT NULL
            );
            CREATE TABLE version_v3 (
                site_id INTEGER NOT NULL,
                type TEXT NOT NULL,
                post_id INTEGER NOT NULL,
                number INTEGER NOT NULL,
                seen_at TEXT NOT NULL,
                modified_gmt TEXT,
                hash TEXT NOT NULL,
                change TEXT NOT NULL,
                changed_fields TEXT NOT NULL,
                -- content.id of each tracked field, comma-separated in tracked-field order.
                content_ids TEXT NOT NULL,
                PRIMARY KEY (site_id, type, post_id, number),
                FOREIGN KEY (site_id, type, post_id) REFERENCES post(site_id, type, post_id)
            ) WITHOUT ROWID;
            -- 'public', 'hidden' or 'deleted'; was_public: whether it ever was public.
            ALTER TABLE post ADD COLUMN state TEXT NOT NULL DEFAULT 'public';
            ALTER TABLE post ADD COLUMN was_public INTEGER NOT NULL DEFAULT 0;
            -- ContentNormalizer.key of the normalization hash and field_hashes were made with.
            ALTER TABLE post ADD COLUMN normalizer TEXT;
            -- `history SITE POST_ID` names a post without its collection.
            CREATE INDEX post_by_id ON post(site_id, post_id);
            -- Reported events now leave the outbox.
            DELETE FROM event WHERE emitted_at IS NOT NULL;
            """)
        var contents = ContentTable(compresses: false)
        var states: [PostKey: (state: PostState, wasPublic: Bool)] = [:]
        let versions = try Row.fetchCursor(db, sql: """
            SELECT site_id, type, post_id, number, seen_at, modified_gmt, hash, fields, change, changed_fields
            FROM version ORDER BY site_id, type, post_id, number
            """)
        while let row = try versions.next() {
            let snapshot = try snapshot(fromJSON: row["fields"])
            let key = PostKey(siteID: row["site_id"], type: row["type"], id: row["post_id"])
            let state = PostState(status: snapshot[.status])
            states[key] = (state, (states[key]?.wasPublic ?? false) || state == .public)
            try db.execute(sql: """
                INSERT INTO version_v3 (site_id, type, post_id, number, seen_at, modified_gmt, hash, change,
                                        changed_fields, content_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.siteID, key.type, key.id, row["number"], row["seen_at"], row["modified_gmt"],
                                 row["hash"], row["change"], row["changed_fields"], contents.ids(of: snapshot, in: db)])
        }
        for (key, value) in states {
            try db.execute(sql: "UPDATE post SET state = ?, was_public = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                           arguments: [value.state.rawValue, value.wasPublic, key.siteID, key.type, key.id])
        }
        try db.execute(sql: """
            DROP TABLE version;
            ALTER TABLE version_v3 RENAME TO version;
            """)
    }

    /// A v1 version's `fields`: a JSON object of the tracked fields' texts.
    private static func snapshot(fromJSON text: String) throws -> PostSnapshot {
        let object = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        var fields: [TrackedField: String] = [:]
        for (name, value) in object {
            if let field = TrackedField(rawValue: name) { fields[field] = value }
        }
        return PostSnapshot(fields: fields)
    }
}
