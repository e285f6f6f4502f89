/// One event as reported to the journal and kept in the database's outbox.
public struct ChangeEvent: Sendable, Codable, Equatable {
    public var kind: EventKind
    public var site: String
    public var siteURL: String
    public var postType: String?
    public var postID: Int?
    public var postURL: String?
    /// The title as plain text.
    public var title: String?
    public var modifiedGMT: String?
    public var previousModifiedGMT: String?
    public var hash: String?
    public var previousHash: String?
    public var changedFields: [TrackedField]?
    public var version: Int?
    /// Posts stored by a `baseline`.
    public var postCount: Int?
    /// Why a site is failing.
    public var error: String?
    /// The event's number in the database's outbox, set when it is written to
    /// the journal: an entry repeated after a crash carries the same one.
    public var eventID: Int64?
    /// The daemon that writes it to the journal, when several share the
    /// database; set then, like `eventID`.
    public var node: String?

    public init(kind: EventKind, site: String, siteURL: String) {
        self.kind = kind
        self.site = site
        self.siteURL = siteURL
    }

    /// The one-line `MESSAGE`, e.g. `revised: europesays-uk post 356473 "Title" (title, content) https://…`.
    public var message: String {
        var parts = ["\(kind.rawValue): \(site)"]
        if let postID { parts.append("\(postType.map(Self.singular) ?? "post") \(postID)") }
        if let title { parts.append("\"\(title)\"") }
        if let changedFields, !changedFields.isEmpty {
            parts.append("(\(changedFields.map(\.rawValue).joined(separator: ", ")))")
        }
        if let postCount { parts.append("\(postCount) \(postCount == 1 ? "post" : "posts") stored as the baseline") }
        if let error { parts.append(error) }
        if let postURL { parts.append(postURL) } else if postID == nil { parts.append(siteURL) }
        return Self.singleLine(parts.joined(separator: " "))
    }

    /// `FIELD=value` pairs for the journal, `MESSAGE` first.
    public var journalFields: [(String, String)] {
        var fields: [(String, String)] = [
            ("MESSAGE", message),
            ("PRIORITY", String(kind.priority.rawValue)),
            ("SYSLOG_IDENTIFIER", "feedwatch"),
            ("MESSAGE_ID", kind.messageID),
            ("FEEDWATCH_EVENT", kind.rawValue),
            ("FEEDWATCH_SITE", site),
            ("FEEDWATCH_SITE_URL", siteURL),
        ]
        let optional: [(String, String?)] = [
            ("FEEDWATCH_POST_TYPE", postType),
            ("FEEDWATCH_POST_ID", postID.map(String.init)),
            ("FEEDWATCH_POST_URL", postURL),
            ("FEEDWATCH_TITLE", title),
            ("FEEDWATCH_MODIFIED_GMT", modifiedGMT),
            ("FEEDWATCH_PREVIOUS_MODIFIED_GMT", previousModifiedGMT),
            ("FEEDWATCH_HASH", hash),
            ("FEEDWATCH_PREVIOUS_HASH", previousHash),
            ("FEEDWATCH_CHANGED_FIELDS", changedFields.map { $0.map(\.rawValue).joined(separator: ",") }),
            ("FEEDWATCH_VERSION", version.map(String.init)),
            ("FEEDWATCH_POST_COUNT", postCount.map(String.init)),
            ("FEEDWATCH_ERROR", error),
            ("FEEDWATCH_EVENT_ID", eventID.map(String.init)),
            ("FEEDWATCH_NODE", node),
        ]
        for case let (name, value?) in optional { fields.append((name, value)) }
        return fields
    }

    /// `post` for `posts`, `page` for `pages`; another type's name as it is.
    static func singular(_ type: String) -> String {
        switch type {
        case "posts": "post"
        case "pages": "page"
        default: type
        }
    }

    /// Control characters (newlines included) become spaces, so one event is one line.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
    }
}
