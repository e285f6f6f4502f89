import ArgumentParser
import FeedwatchCore
import Foundation

struct NotifyTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify-test",
        abstract: "Send a made-up event to one notify channel, or all, and show what each answered.",
        discussion: "Nothing is queued or retried, and the database is not touched. Exit status 1 when a channel did not take it.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The channel (its \"name\" in notify[]); default: every channel.")
    var channel: String?

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let channels = configuration.notify.filter { channel == nil || $0.name == channel }
        guard !channels.isEmpty else {
            let known = configuration.notify.isEmpty ? "none" : configuration.notify.map(\.name).joined(separator: ", ")
            StandardError.write(channel.map { "feedwatch: no notify channel named \"\($0)\" (channels: \(known))\n" }
                ?? "feedwatch: \(configuration.source) has no notify channels\n")
            throw ExitCode.failure
        }
        let http: HTTPClient
        do {
            http = try HTTPClient()
        } catch {
            StandardError.write("feedwatch: \(error.detail)\n")
            throw ExitCode.failure
        }
        let sender = NotificationSender(http: http, journal: JournalWriter.detect(environment: options.environment), environment: options.environment)
        let event = Self.sampleEvent()
        let payload = WebhookPayload(event, eventID: "notify-test-\(UUID().uuidString.lowercased())",
                                     excerpt: "--- title (version 1)\n+++ title (version 2)\n@@ -1 +1 @@\n-Hello world!\n+"
                                         + (event.title ?? ""))
        var allTaken = true
        for channel in channels {
            let outcome = await sender.send(payload, of: event, to: channel)
            let answer: String
            switch outcome {
            case .delivered(let summary): answer = "delivered: \(summary)"
            case .retry(let reason, let after):
                allTaken = false
                answer = "failed, would be retried" + (after.map { " (after \(DurationText.format($0)))" } ?? "") + ": \(reason)"
            case .refused(let reason):
                allTaken = false
                answer = "refused, would not be retried: \(reason)"
            }
            print("\(channel.name): \(answer)")
        }
        await http.shutdown()
        if !allTaken { throw ExitCode.failure }
    }

    /// A revision of a post that does not exist, marked as a test in its title.
    static func sampleEvent() -> ChangeEvent {
        var event = ChangeEvent(kind: .revised, site: "feedwatch-notify-test", siteURL: "https://example.org/")
        event.postType = "posts"
        event.postID = 1
        event.postURL = "https://example.org/hello-world/"
        event.title = "feedwatch notify-test: a made-up revision"
        event.modifiedGMT = Date().ISO8601Format()
        event.changedFields = [.title]
        event.version = 2
        return event
    }
}
