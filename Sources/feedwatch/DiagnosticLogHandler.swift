import FeedwatchCore
import Foundation
import Logging

/// Diagnostics, for the administrator.
///
/// Under systemd (`JOURNAL_STREAM` set) each is a structured journal entry of
/// its own: `PRIORITY` from the level, and `FEEDWATCH_SITE` (with
/// `FEEDWATCH_ERROR` for warnings and errors) or `FEEDWATCH_CHANNEL` when it
/// is about a site or a notify channel, so that
/// `journalctl -u feedwatch FEEDWATCH_SITE=x` shows a site's events and its
/// problems together. Elsewhere (a terminal, cron) each is a line on stderr,
/// and a warning or error about a site goes to the journal too, when there is one.
struct DiagnosticLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    private let underSystemd: Bool
    private let journal: JournalWriter

    init(label: String) {
        let environment = ProcessInfo.processInfo.environment
        underSystemd = environment["JOURNAL_STREAM"] != nil
        journal = JournalWriter.detect(environment: environment)
        logLevel = environment["FEEDWATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let site = merged.removeValue(forKey: "site").map { "\($0)" }
        let channel = merged.removeValue(forKey: "channel").map { "\($0)" }
        let context = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var text = context.isEmpty ? "\(event.message)" : "\(context): \(event.message)"
        if let channel { text = "notify channel \(channel): " + text }
        if let site { text = "\(site): " + text }
        let priority = Self.priority(event.level)
        let aboutSite = site != nil && priority.rawValue <= JournalPriority.warning.rawValue
        if underSystemd || aboutSite {
            var fields: [(String, String)] = []
            if let site { fields.append(("FEEDWATCH_SITE", site)) }
            if let channel { fields.append(("FEEDWATCH_CHANNEL", channel)) }
            if aboutSite { fields.append(("FEEDWATCH_ERROR", "\(event.message)")) }
            if underSystemd {
                journal.write(message: text, priority: priority, fields: fields)
                return
            }
            journal.writeIfPresent(message: text, priority: priority, fields: fields)
        }
        StandardError.write("feedwatch[\(event.level)]: \(text)\n")
    }

    private static func priority(_ level: Logger.Level) -> JournalPriority {
        switch level {
        case .trace, .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error, .critical: .error
        }
    }
}
