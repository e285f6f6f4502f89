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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        process.arguments = ["-o", "json", "--no-pager", "--all", match]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }
}
