/// `feed`: a file feedwatch keeps up to date for other programs.
extension ConfigurationValidator {
    mutating func validateFeed(_ value: JSONValue) -> FeedConfiguration? {
        guard let object = members(of: value, at: "feed", expected: "an object with a \"path\"",
                                   allowedKeys: ["path", "entries", "events"])
        else { return nil }
        let problemsBefore = problems.count
        var feed = FeedConfiguration(path: validateOutputPath(object["path"], at: "feed", example: "/var/lib/feedwatch/changes.atom") ?? "")
        if let entries = object["entries"] {
            if case .number(let text) = entries, let count = Int(text), (1...FeedConfiguration.maximumEntries).contains(count) {
                feed.entries = count
            } else {
                report("feed.entries", "expected a whole number of entries from 1 to \(FeedConfiguration.maximumEntries), found \(render(entries))")
            }
        }
        if let events = object["events"] { feed.events = validateEvents(events, at: "feed.events") ?? [] }
        return problems.count == problemsBefore ? feed : nil
    }

    /// An absolute path to a file, not a directory.
    private mutating func validateOutputPath(_ value: JSONValue?, at path: String, example: String) -> String? {
        guard let value else {
            report(path, "missing \"path\", the file to write, such as \"\(example)\"")
            return nil
        }
        guard case .string(let file) = value, file.hasPrefix("/"), !file.hasSuffix("/") else {
            report("\(path).path", "expected the absolute path of a file, such as \"\(example)\", found \(render(value))")
            return nil
        }
        return file
    }
}
