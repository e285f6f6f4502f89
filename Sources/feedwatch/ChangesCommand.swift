import ArgumentParser
import FeedwatchCore
import Foundation

struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List recent changes from the database: when, site, kind, version and post.",
        discussion: """
            Every change feedwatch recorded, newest first, whether or not its journal entry is still kept; \
            reported events are kept for 90 days. The journal has the same events with every field \
            (journalctl -t feedwatch FEEDWATCH_EVENT=silent-edit).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("How far back, as a duration such as 1h or 7d, or a time such as 2026-12-01T00:00:00Z.",
                               valueName: "when"))
    var since = "7d"

    @Option(help: ArgumentHelp("Only this site's changes.", valueName: "name"))
    var site: String?

    @Option(help: ArgumentHelp(
        "Only events of this kind; repeat for several (default: every change to a post: "
            + EventKind.allCases.filter(EventQuery.changeKinds.contains).map(\.rawValue).joined(separator: ", ") + ").",
        valueName: "kind"))
    var kind: [EventKind] = []

    @Option(help: "At most this many, the newest.")
    var limit = 100

    @Flag(help: "Print JSON: a list of the documents webhooks receive, each with \"at\", when it was recorded.")
    var json = false

    func validate() throws {
        guard Self.start(since, now: Date()) != nil else {
            throw ValidationError("--since \"\(since)\" is neither a duration (such as 1h or 7d) nor a time such as 2026-12-01T00:00:00Z")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try options.openStoreForReading()
        let start = Self.start(since, now: Date())
        let query = EventQuery(since: start, site: site, kinds: kind.isEmpty ? EventQuery.changeKinds : Set(kind), limit: limit)
        let events: [PendingEvent]
        let instance: String
        do {
            events = try await store.events(matching: query)
            instance = try await store.instanceID()
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let rows = events.map { Row(at: $0.createdAt, change: WebhookPayload($0.event, eventID: "\(instance)-\($0.id)")) }
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else if events.isEmpty {
            let when = start.map { " since \(Self.shown($0.ISO8601Format()))" } ?? ""
            print("no changes\(site.map { " of \($0)" } ?? "")\(when)")
        } else {
            print(Self.table(events), terminator: "")
        }
    }

    /// One change in `--json`: the webhook document and when it was recorded.
    struct Row: Encodable {
        var at: String
        var change: WebhookPayload

        private enum CodingKeys: String, CodingKey {
            case at
        }

        func encode(to encoder: any Encoder) throws {
            try change.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(at, forKey: .at)
        }
    }

    static func table(_ events: [PendingEvent]) -> String {
        TextTable.render([["when (UTC)", "site", "kind", "version", "post"]] + events.map { pending in
            let event = pending.event
            let post = [event.postID.map(String.init), event.title.map { "\"\(Self.cut($0, to: 60))\"" } ?? event.error]
                .compactMap { $0 }.joined(separator: " ")
            return [shown(pending.createdAt), event.site, event.kind.rawValue, event.version.map(String.init) ?? "-", post]
        })
    }

    /// `2026-12-07 20:58:10` for `2026-12-07T20:58:10Z`.
    private static func shown(_ timestamp: String) -> String {
        String(timestamp.replacingOccurrences(of: "T", with: " ").dropLast(timestamp.hasSuffix("Z") ? 1 : 0))
    }

    private static func cut(_ text: String, to length: Int) -> String {
        text.count <= length ? text : text.prefix(length - 1) + "…"
    }

    /// The time `--since` names: a duration back from `now`, or an ISO 8601 time.
    static func start(_ text: String, now: Date) -> Date? {
        if let duration = DurationText.parse(text) { return now.addingTimeInterval(-Double(duration.components.seconds)) }
        return try? Date(text, strategy: .iso8601)
    }
}

extension EventKind: ExpressibleByArgument {}
