@testable import FeedwatchCore
import Foundation
import GRDB
import TestSupport

/// The markup feedwatch stored for a post, read from its database: what
/// differed between the last two versions, field by field, as `diff -u`
/// shows it. For the report of an unexpected event: the exact markup that
/// changed, which `feedwatch diff` (HTML reduced to text) may not show.
enum StoredMarkup {
    static func lastChange(database: String, site: String, postID: Int) -> String {
        guard !TestDatabase.isPostgreSQL else { return "(the stored markup is shown from SQLite databases only)" }
        do {
            var configuration = GRDB.Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: database, configuration: configuration)
            let versions: [(number: Int, texts: [String])] = try queue.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT v.number, v.content_ids FROM version v JOIN site s ON s.id = v.site_id
                    WHERE s.name = ? AND v.post_id = ? ORDER BY v.number DESC LIMIT 2
                    """, arguments: [site, postID])
                return try rows.map { row in
                    let ids = (row["content_ids"] as String).split(separator: ",").compactMap { Int64($0) }
                    let texts = try ids.map { id in
                        guard let content = try Row.fetchOne(db, sql: "SELECT text, plain_size FROM content WHERE id = ?",
                                                             arguments: [id])
                        else { return "" }
                        return try ContentText.decode(content["text"], plainSize: content["plain_size"], id: id)
                    }
                    return (row["number"], texts)
                }
            }
            guard versions.count == 2 else { return "(\(versions.count) stored version(s): nothing to compare)" }
            let (new, old) = (versions[0], versions[1])
            var report: [String] = []
            for index in 0..<min(new.texts.count, old.texts.count) where new.texts[index] != old.texts[index] {
                report.append("field #\(index), version \(old.number) → \(new.number):\n"
                              + unifiedDiff(old.texts[index], new.texts[index]))
            }
            return report.isEmpty ? "(the stored texts are equal)" : report.joined(separator: "\n")
        } catch {
            return "(cannot read \(database): \(error))"
        }
    }

    /// `diff -u` of two texts, without its file header.
    static func unifiedDiff(_ old: String, _ new: String) -> String {
        guard let scratch = try? TemporaryDirectory(),
              let before = try? scratch.write("before", old + "\n"), let after = try? scratch.write("after", new + "\n"),
              let result = try? BoundedRun.run("/usr/bin/diff", ["-u", before, after], timeout: 10, check: false)
        else { return "(diff failed)" }
        return result.output.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n")
    }
}
