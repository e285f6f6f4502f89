import Foundation
import TestSupport

/// One feedwatch event read back from the journal.
struct JournalEvent: CustomStringConvertible {
    let kind: String
    let type: String?
    let postID: Int?
    let changedFields: String?
    let message: String

    /// `revised posts/12`, the form the expectations are written in.
    var key: String { postID.map { "\(kind) \(type ?? "?")/\($0)" } ?? kind }
    var description: String { message }
}

/// The events of one site, complete up to now. journald stores entries
/// asynchronously, so "no event" cannot be read off at once: a marker entry is
/// sent to the same native socket after feedwatch has exited, and the journal
/// is read once the marker is in it; whatever feedwatch sent before is then in
/// too.
enum JournalEvents {
    static func all(site: String) throws -> [JournalEvent] {
        let marker = UUID().uuidString
        let entry = "MESSAGE=feedwatch test marker\nFEEDWATCH_SITE=\(site)\nFEEDWATCH_TEST_MARKER=\(marker)\n"
        let sent = try ChildProcess.run("/usr/bin/logger", ["--journald"], input: Array(entry.utf8))
        guard sent.status == 0 else { throw RealWordPressError(description: "logger --journald: \(sent.output)") }
        var entries: [[String: String]] = []
        for _ in 0..<100 {
            entries = try JournalReader.read(match: "FEEDWATCH_SITE=\(site)")
            if entries.contains(where: { $0["FEEDWATCH_TEST_MARKER"] == marker }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard entries.contains(where: { $0["FEEDWATCH_TEST_MARKER"] == marker }) else {
            throw RealWordPressError(description: "the journal did not show the marker entry within 5 s")
        }
        return entries.compactMap { fields in
            fields["FEEDWATCH_EVENT"].map {
                JournalEvent(kind: $0, type: fields["FEEDWATCH_POST_TYPE"], postID: fields["FEEDWATCH_POST_ID"].flatMap { Int($0) },
                             changedFields: fields["FEEDWATCH_CHANGED_FIELDS"], message: fields["MESSAGE"] ?? "")
            }
        }
    }
}
