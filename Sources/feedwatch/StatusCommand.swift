import ArgumentParser
import FeedwatchCore
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each site's health: posts tracked, last success, last error, failures in a row, next poll; "
            + "and each notify channel's backlog, last success and last error.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// One site as `status` reports it: the configuration's view and the database's.
    struct Row: Encodable {
        var name: String
        var url: String
        var enabled: Bool
        /// `false` for a site the database remembers that the configuration no longer names.
        var configured: Bool
        var postsTracked: Int
        var lastSuccess: Date?
        var lastError: String?
        var failuresInRow: Int
        /// `nil` before the first sync, when the daemon polls the site within seconds of starting.
        var nextPoll: Date?
        /// On a database daemons share: the node that synced it last.
        var node: String?
    }

    /// One `notify[]` channel as `status` reports it.
    struct ChannelRow: Encodable {
        var name: String
        /// The webhook's URL (only its origin for a chat format, whose URL
        /// holds its secret) or the command's program.
        var target: String
        /// The webhook's `format`; `nil` for a command.
        var format: String?
        /// Events waiting for the channel.
        var backlog: Int
        var oldestWaiting: Date?
        var lastSuccess: Date?
        var lastError: String?
        var lastErrorAt: Date?
    }

    /// What `--json` prints.
    struct Report: Encodable {
        var sites: [Row]
        var channels: [ChannelRow]
        /// On a database daemons share; absent on SQLite.
        var nodes: [NodeStatus]?
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let location = try options.databaseLocation(configuration)
        var stored: [SiteStatus] = []
        var channels = configuration.notify.map { ChannelStatus(name: $0.name) }
        var nodes: [NodeStatus]?
        // Before the first sync there is no database file, and every site is "not synced yet".
        let created = if case .sqlite(let path) = location { FileManager.default.fileExists(atPath: path) } else { true }
        if created {
            do {
                let store = try options.openStoreForReading(configuration)
                stored = try await store.siteStatuses()
                channels = try await store.channelStatuses(configuration.notify.map(\.name))
                nodes = try await store.sharing?.nodes()
            } catch {
                StandardError.write("feedwatch: \(error)\n")
                throw ExitCode.failure
            }
        }
        let report = Report(sites: Self.rows(configuration: configuration, stored: stored),
                            channels: zip(configuration.notify, channels).map(Self.channelRow),
                            nodes: nodes)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report.sites) + Self.text(report.channels) + Self.text(report.nodes ?? []), terminator: "")
        }
    }

    static func channelRow(_ channel: NotifyChannel, _ status: ChannelStatus) -> ChannelRow {
        let (target, format): (String, WebhookFormat?) = switch channel.target {
        case .webhook(let url, _, .json): (url, .json)
        case .webhook(let url, _, let format): ("\(Origin(url: url)?.description ?? "")/… (\(format.rawValue))", format)
        case .command(let arguments): (arguments.first ?? "", nil)
        }
        return ChannelRow(name: channel.name, target: target, format: format?.rawValue, backlog: status.backlog, oldestWaiting: status.oldestWaiting,
                          lastSuccess: status.lastSuccess, lastError: status.lastError, lastErrorAt: status.lastErrorAt)
    }

    static func text(_ channels: [ChannelRow]) -> String {
        guard !channels.isEmpty else { return "" }
        return "notify channels:\n" + channels.map { channel in
            let failing = channel.lastErrorAt.map { error in channel.lastSuccess.map { error > $0 } ?? true } ?? false
            let state = failing ? "failing" : channel.lastSuccess == nil ? "nothing sent yet" : "ok"
            var lines = ["\(channel.name)  \(channel.target)  \(state)",
                         "  waiting: \(channel.backlog)" + (channel.oldestWaiting.map { " (oldest from \(timeText($0)))" } ?? "")
                             + "; last success: \(timeText(channel.lastSuccess))"]
            if let error = channel.lastError { lines.append("  last error: \(error) (\(timeText(channel.lastErrorAt)))") }
            return lines.joined(separator: "\n") + "\n"
        }.joined()
    }


    /// e.g. `web-1  alive (web-1.example.org, pid 812, feedwatch 0.1.0 run)`, then its heartbeat and share.
    static func text(_ nodes: [NodeStatus]) -> String {
        guard !nodes.isEmpty else { return "" }
        return "nodes:\n" + nodes.map { node in
            let state = node.alive ? "alive" : node.stoppedAt != nil ? "stopped" : "silent (taken for dead)"
            return "\(node.name)  \(state) (\(node.host), pid \(node.pid), feedwatch \(node.version))\n"
                + "  last heartbeat: \(timeText(node.heartbeatAt)); syncing now: \(node.leases); "
                + "sites it synced last: \(node.sites)\n"
        }.joined()
    }

    static func rows(configuration: Configuration, stored: [SiteStatus]) -> [Row] {
        let byName = Dictionary(stored.map { ($0.name, $0) }) { first, _ in first }
        var rows = configuration.sites.map { site in
            let status = byName[site.name]
            return Row(name: site.name, url: site.url, enabled: site.enabled, configured: true,
                       postsTracked: status?.postsTracked ?? 0, lastSuccess: status?.lastSuccess,
                       lastError: status?.lastError, failuresInRow: status?.failuresInRow ?? 0,
                       nextPoll: site.enabled ? status?.nextPoll(interval: site.interval) : nil, node: status?.node)
        }
        let configured = Set(configuration.sites.map(\.name))
        for status in stored where !configured.contains(status.name) {
            rows.append(Row(name: status.name, url: status.url, enabled: false, configured: false,
                            postsTracked: status.postsTracked, lastSuccess: status.lastSuccess,
                            lastError: status.lastError, failuresInRow: status.failuresInRow, nextPoll: nil,
                            node: status.node))
        }
        return rows
    }

    static func text(_ rows: [Row]) -> String {
        guard !rows.isEmpty else { return "no sites configured\n" }
        return rows.map { row in
            var state = row.failuresInRow > 0 ? "failing (\(row.failuresInRow) in a row)" : "ok"
            if !row.configured {
                state = "not in the configuration (history kept)"
            } else if !row.enabled {
                state = "disabled"
            } else if row.lastSuccess == nil && row.failuresInRow == 0 {
                state = "not synced yet"
            }
            var lines = ["\(row.name)  \(row.url)  \(state)",
                         "  posts tracked: \(row.postsTracked); last success: \(timeText(row.lastSuccess))"]
            if row.configured && row.enabled {
                lines[1] += "; next poll: " + (row.nextPoll.map { $0 < Date() ? "due now" : "about \(timeText($0))" } ?? "when feedwatch starts")
            }
            if let node = row.node { lines[1] += "; synced by \(node)" }
            if let error = row.lastError, row.failuresInRow > 0 { lines.append("  last error: \(error)") }
            return lines.joined(separator: "\n") + "\n"
        }.joined()
    }

    /// A time as `status` prints it: ISO 8601, or "never".
    private static func timeText(_ date: Date?) -> String {
        date.map { $0.ISO8601Format() } ?? "never"
    }
}
