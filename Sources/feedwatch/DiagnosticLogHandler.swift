import FeedwatchCore
import Foundation
import Logging

/// Diagnostics on stderr, one line each. Under systemd (`JOURNAL_STREAM` set)
/// every line starts with a `<N>` syslog priority, which journald turns into
/// the entry's `PRIORITY`; elsewhere it carries the level as a word.
struct DiagnosticLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    private let toJournal: Bool

    init(label: String) {
        let environment = ProcessInfo.processInfo.environment
        toJournal = environment["JOURNAL_STREAM"] != nil
        logLevel = environment["FEEDWATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let context = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = context.isEmpty ? "\(event.message)" : "\(context): \(event.message)"
        let prefix = toJournal ? "<\(Self.syslogPriority(event.level))>" : "feedwatch[\(event.level)]: "
        StandardError.write(prefix + text + "\n")
    }

    private static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
