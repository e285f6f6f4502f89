/// What changed between two stored versions of a post, as `feedwatch diff`
/// shows it: the text of the rendered HTML fields as a unified diff, the other
/// tracked fields as before and after.
public struct PostDiff: Sendable, Codable, Equatable {
    public var site: String
    public var postID: Int
    public var from: VersionSummary
    public var to: VersionSummary
    /// The fields that differ, in tracked-field order.
    public var fields: [FieldChange]

    public struct FieldChange: Sendable, Codable, Equatable {
        public var field: TrackedField
        /// For title, content and excerpt: the unified diff of their text
        /// (empty when only the markup changed, not the text).
        public var diff: String?
        /// For the other fields: the values before and after.
        public var from: String?
        public var to: String?
    }

    public init(site: String, postID: Int, from old: StoredVersion, to new: StoredVersion) {
        self.site = site
        self.postID = postID
        from = old.summary
        to = new.summary
        fields = TrackedField.allCases.compactMap { field in
            let before = old.snapshot[field]
            let after = new.snapshot[field]
            let rawBefore = old.snapshot.raw[field], rawAfter = new.snapshot.raw[field]
            let rawChanged = rawBefore != nil && rawAfter != nil && rawBefore != rawAfter
            guard before != after || rawChanged else { return nil }
            guard field.isRenderedHTML else { return FieldChange(field: field, from: before, to: after) }
            // The built-in rules first: a dynamic block shows as its `{block:NAME}` placeholder,
            // not as the posts or dates it listed when each version was seen.
            var diff = UnifiedDiff.make(
                old: ReadableText.lines(fromHTML: DynamicMarkup.neutralize(before)),
                new: ReadableText.lines(fromHTML: DynamicMarkup.neutralize(after)),
                oldLabel: "\(field.rawValue) (version \(old.summary.version))",
                newLabel: "\(field.rawValue) (version \(new.summary.version))")
            if diff.isEmpty, rawChanged, let rawBefore, let rawAfter {
                // What the author wrote changed but not what a reader sees (a dynamic block's
                // settings): the raw text, line by line.
                diff = UnifiedDiff.make(
                    old: Self.sourceLines(rawBefore), new: Self.sourceLines(rawAfter),
                    oldLabel: "\(field.rawValue).raw (version \(old.summary.version))",
                    newLabel: "\(field.rawValue).raw (version \(new.summary.version))")
            }
            return FieldChange(field: field, diff: diff)
        }
    }

    /// The diff for people: a header naming both versions, then each field.
    public var text: String {
        var lines = ["\(site) post \(postID): version \(from.version) → version \(to.version)"]
        for version in [from, to] {
            lines.append("  version \(version.version): \(version.change), seen \(version.seenAt)"
                + (version.modifiedGMT.map { ", modified \($0) GMT" } ?? ""))
        }
        if fields.isEmpty { lines.append("no tracked field differs") }
        var output = lines.joined(separator: "\n") + "\n"
        for change in fields {
            if let diff = change.diff {
                output += diff.isEmpty ? "\(change.field.rawValue): only the markup changed, not the text\n" : diff
            } else {
                output += "\(change.field.rawValue): \(Self.quoted(change.from)) → \(Self.quoted(change.to))\n"
            }
        }
        return output
    }

    /// Raw text as lines, without trailing whitespace or empty lines.
    private static func sourceLines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.reversed().drop(while: \.isWhitespace).reversed()
            return trimmed.isEmpty ? nil : String(trimmed)
        }
    }

    private static func quoted(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "(none)" }
        return value
    }
}
