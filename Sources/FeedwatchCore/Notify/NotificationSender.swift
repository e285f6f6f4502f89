#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hands one event to one channel: a signed POST for a webhook, a run for a
/// command. Never throws: every way it can end is a `DeliveryOutcome`.
public struct NotificationSender: Sendable {
    private let http: HTTPClient
    private let journal: JournalWriter
    private let environment: [String: String]

    public init(http: HTTPClient, journal: JournalWriter, environment: [String: String]) {
        self.http = http
        self.journal = journal
        self.environment = environment
    }

    /// - Parameter event: what `payload` was made from, for a command's variables.
    public func send(_ payload: WebhookPayload, of event: ChangeEvent, to channel: NotifyChannel) async -> DeliveryOutcome {
        switch channel.target {
        case .webhook(let url, let secret, let format):
            return await post(payload, of: event, to: url, secret: secret, format: format, timeout: channel.timeout)
        case .command(let arguments):
            return await run(arguments, payload: payload, event: event, channel: channel)
        }
    }

    private func post(_ payload: WebhookPayload, of event: ChangeEvent, to url: String, secret: SecretSource?,
                      format: WebhookFormat, timeout: Duration) async -> DeliveryOutcome {
        var secretBytes: [UInt8]?
        if let secret {
            switch readSecret(secret, meaning: format.secretMeaning ?? "the secret") {
            case .success(let bytes): secretBytes = bytes
            case .failure(let error): return .retry(error.description, after: nil)
            }
        }
        let request = format.request(for: payload, of: event, to: url, secret: secretBytes, at: Date())
        do {
            let response = try await http.send(HTTPRequest(url: request.url, method: "POST", headers: request.headers,
                                                           body: request.body, timeout: timeout, maximumBodySize: 1 << 20))
            return .of(response)
        } catch {
            return .retry(error.description, after: nil)
        }
    }

    /// Runs the command with the document on stdin and the journal entry's
    /// `FEEDWATCH_*` fields as variables; what it prints goes to the journal
    /// with the event's site and post.
    private func run(_ arguments: [String], payload: WebhookPayload, event: ChangeEvent, channel: NotifyChannel) async -> DeliveryOutcome {
        var variables = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        let fields = event.journalFields.filter { $0.0.hasPrefix("FEEDWATCH_") }
        for (name, value) in fields { variables[name] = value }
        variables["FEEDWATCH_EVENT_ID"] = payload.eventID
        let outcome = await CommandRunner.run(arguments, input: payload.body(), environment: variables, timeout: channel.timeout)
        let output = outcome.outputText.trimmingWhitespace()
        if !output.isEmpty {
            journal.write(message: "notify channel \(channel.name): \(arguments[0]) printed: \(output)", priority: .info,
                          fields: fields.filter { $0.0 != "FEEDWATCH_EVENT_ID" } + [("FEEDWATCH_CHANNEL", channel.name)])
        }
        return outcome.succeeded ? .delivered(outcome.description) : .retry(outcome.description, after: nil)
    }

    /// The secret's bytes, read at every send so that a rotated secret is used at once.
    private func readSecret(_ secret: SecretSource, meaning: String) -> Result<[UInt8], AuthenticationError> {
        switch secret.path(environment: environment, fileKey: "secretFile") {
        case .failure(let error):
            return .failure(error)
        case .success(let path):
            do {
                return .success(try FileContents.read(path, limit: 4096))
            } catch {
                return .failure(AuthenticationError("cannot read \(meaning): \(error)"))
            }
        }
    }
}
