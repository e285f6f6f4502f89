import Crypto

/// An Atom 1.0 document (RFC 4287) of the latest events: one entry per event,
/// newest first, whose content is the change in plain text with its diff.
enum AtomFeed {
    /// The whole document around already rendered entries.
    /// - Parameters:
    ///   - instance: the database's instance id, which names the feed for good.
    ///   - updated: the newest entry's time, RFC 3339.
    static func document(instance: String, updated: String, entries: [String]) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(uuidURN("feed-\(instance)"))</id>
            <title>feedwatch: changes</title>
            <updated>\(updated)</updated>
            <author><name>feedwatch</name></author>
            <generator version="\(escaped(FeedwatchVersion.string))">feedwatch</generator>

            """
        for entry in entries { xml += entry }
        return xml + "</feed>\n"
    }

    /// One event's entry; its id is the webhook document's `event_id` as a UUID URN.
    static func entry(_ recorded: PendingEvent, instance: String, excerpt: String?) -> String {
        let message = ChatMessage(recorded.event, excerpt: excerpt)
        let title = recorded.event.postID == nil ? message.headline : "\(message.headline): \(message.subject)"
        return """
            <entry>
            <id>\(uuidURN("\(instance)-\(recorded.id)"))</id>
            <title>\(escaped(title))</title>
            <link rel="alternate" href="\(escaped(message.link))"/>
            <updated>\(recorded.createdAt)</updated>
            <category term="\(recorded.event.kind.rawValue)"/>
            <content type="text">\(escaped(message.plainText(diff: message.diff)))</content>
            </entry>

            """
    }

    /// XML's five special characters escaped, and the characters XML 1.0
    /// cannot carry at all (most control characters) left out.
    static func escaped(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value >= 0x20, value != 0xFFFE, value != 0xFFFF { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    /// A name-based UUID (version 8, from SHA-256) as a URN: stable for the
    /// same text, unique across texts.
    static func uuidURN(_ text: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(text.utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        var uuid = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { uuid += "-" }
            uuid.append(character)
        }
        return "urn:uuid:" + uuid
    }
}
