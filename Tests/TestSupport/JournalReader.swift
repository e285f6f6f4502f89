import Foundation

/// Reads entries back from the real systemd journal with `journalctl -o json`.
/// The journal is shared, so every test gives its sites names of their own and
/// filters on them.
public enum JournalReader {
    /// Entries with `FEEDWATCH_SITE=site`, polled until at least `count` arrive
    /// or five seconds pass (journald stores entries asynchronously).
    public static func entries(site: String, atLeast count: Int = 1) throws -> [[String: String]] {
        var entries: [[String: String]] = []
        for _ in 0..<50 {
            entries = try read(match: "FEEDWATCH_SITE=\(site)")
            if entries.count >= count { return entries }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return entries
    }

    public static func read(match: String) throws -> [[String: String]] {
        let output = try ChildProcess.run("/usr/bin/journalctl", ["-o", "json", "--no-pager", "--all", match],
                                          mergeErrors: false).output
        return output.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }
}
