import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

/// `notify[]` from the command line: `notify-test`, `status`, and a daemon
/// delivering what an earlier process queued.
@Suite struct NotifyCommandTests {
    @Test func notifyTestSendsAMadeUpEventAndSaysWhatEachChannelAnswered() throws {
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(uniqueSiteName("cli-notify-test"))", "url": "http://127.0.0.1:9/site/"}],
             "notify": [{"name": "good", "webhook": "\(receiver.url)hook"},
                        {"name": "down", "webhook": "http://127.0.0.1:9/hook"}]}
            """)
        let all = try Binary.run(["notify-test", "--config", config])
        #expect(all.status == 1, "one channel did not take it")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("good: delivered: HTTP 200") == true, "\(all.stdout)")
        #expect(lines.last?.hasPrefix("down: failed, would be retried: http://127.0.0.1:9/hook: cannot reach the server") == true,
                "\(all.stdout)")
        #expect(receiver.requests.count == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: Any])
        #expect((document["title"] as? String)?.hasPrefix("feedwatch notify-test") == true)

        #expect(try Binary.run(["notify-test", "--config", config, "good"]).status == 0)
        let unknown = try Binary.run(["notify-test", "--config", config, "nosuch"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "feedwatch: no notify channel named \"nosuch\" (channels: good, down)\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("feedwatch.db")))
    }

    @Test func notifyTestAndStatusShowChatChannelsWithoutTheirSecretURLs() throws {
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(uniqueSiteName("cli-notify-chat"))", "url": "http://127.0.0.1:9/site/"}],
             "notify": [{"name": "team", "webhook": "\(receiver.url)services/T0/B0/secret", "format": "slack"},
                        {"name": "phone", "webhook": "\(receiver.url)secret-topic", "format": "ntfy"}]}
            """)
        let sent = try Binary.run(["notify-test", "--config", config])
        #expect(sent.status == 0 && sent.stdout == "team: delivered: HTTP 200: 200 OK\nphone: delivered: HTTP 200: 200 OK\n", "\(sent.stdout)\(sent.stderr)")
        #expect(receiver.requests.map(\.path) == ["/services/T0/B0/secret", "/"])
        let slack = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[0].body)) as? [String: String])
        #expect(slack["text"]?.contains("*Revised on feedwatch-notify-test*") == true, "\(slack)")
        #expect(slack["text"]?.contains("title:\n-Hello world!\n+feedwatch notify-test: a made-up revision") == true, "\(slack)")
        let ntfy = try #require(try JSONSerialization.jsonObject(with: Data(receiver.requests[1].body)) as? [String: Any])
        #expect(ntfy["topic"] as? String == "secret-topic" && ntfy["priority"] as? Int == 3)

        let database = try TestDatabase(in: scratch)
        let status = try Binary.run(["status", "--config", config, "--database", database.location])
        let origin = String(receiver.url.dropLast())
        #expect(status.stdout.contains("team  \(origin)/… (slack)  nothing sent yet\n"), "\(status.stdout)")
        #expect(status.stdout.contains("phone  \(origin)/… (ntfy)  nothing sent yet\n"), "\(status.stdout)")
        #expect(!status.stdout.contains("secret"), "a chat webhook's URL is its secret: \(status.stdout)")
    }

    @Test func theDaemonDeliversWhatAPollCouldNotAndStatusShowsTheChannel() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let site = server.addSite(uniqueSiteName("cli-notify-queue"))
        let post = site.addPost(title: "Before", content: "<p>Text.</p>")
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(site.name)", "url": "\(site.url)"}],
             "notify": [{"name": "hook", "webhook": "\(receiver.url)hook", "events": ["revised"]}]}
            """)
        let database = try TestDatabase(in: scratch)
        let arguments = ["--config", config, "--database", database.location]
        #expect(try Binary.run(["poll"] + arguments).status == 0)
        site.edit(post, title: "After")
        receiver.goDown()
        #expect(try Binary.run(["poll"] + arguments).status == 0, "a notification that fails does not fail the poll")
        let queued = try Binary.run(["status"] + arguments)
        #expect(queued.stdout.contains("notify channels:\nhook  \(receiver.url)hook  failing\n  waiting: 1 (oldest from 20"),
                "\(queued.stdout)")
        #expect(queued.stdout.contains("  last error: \(receiver.url)hook: cannot reach the server"), "\(queued.stdout)")

        // The daemon retries after the first backoff (5 to 10 s).
        try receiver.comeBack()
        let daemon = try Binary.Running(["run"] + arguments, environment: [:])
        var requests: [WebhookRequest] = []
        for _ in 0..<150 where requests.isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
            requests = receiver.requests
        }
        daemon.process.send(SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
        #expect(requests.count == 1)
        let document = try #require(requests.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] })
        #expect(document["event"] as? String == "revised" && document["title"] as? String == "After")

        let sent = try Binary.run(["status", "--json"] + arguments)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])
        let channel = try #require((report["channels"] as? [[String: Any]])?.first)
        #expect(channel["name"] as? String == "hook" && channel["backlog"] as? Int == 0 && channel["last_success"] is String)

        site.edit(post, title: "After, again")
        #expect(try Binary.run(["poll"] + arguments).status == 0)
        #expect(receiver.requests.count == 2, "a poll sends what is due before it exits")
    }
}

/// The receiver example of the README (docs/examples/webhook-receiver.py)
/// accepts feedwatch's signature and refuses one made with another secret.
@Suite struct DocumentedReceiverTests {
    private static let example = Fixture.repository.appendingPathComponent("docs/examples/webhook-receiver.py").path

    @Test func theDocumentedReceiverVerifiesTheSignature() throws {
        let scratch = try TemporaryDirectory()
        let receiverSecret = try scratch.write("receiver.secret", "correct horse battery staple\n")
        let log = scratch.file("receiver.log")
        let receiver = try ChildProcess("/usr/bin/env", ["python3", Self.example, receiverSecret], output: log)
        defer { receiver.stop() }
        var port: String?
        for _ in 0..<100 where port == nil {
            Thread.sleep(forTimeInterval: 0.05)
            port = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").first
                .flatMap { $0.hasPrefix("listening on port ") ? String($0.dropFirst(18)) : nil }
        }
        let listening = try #require(port, "the example receiver did not start (python3 missing?)")

        for (secret, expected) in [("correct horse battery staple", "hook: delivered: HTTP 204"),
                                   ("another secret", "hook: refused, would not be retried: HTTP 401")] {
            let secretFile = try scratch.write("feedwatch.secret", secret)
            chmod(secretFile, 0o600)
            let config = try scratch.write("feedwatch.json", """
                {"sites": [{"name": "\(uniqueSiteName("cli-receiver"))", "url": "http://127.0.0.1:9/site/"}],
                 "notify": [{"name": "hook", "webhook": "http://127.0.0.1:\(listening)/", "secretFile": "\(secretFile)"}]}
                """)
            let result = try Binary.run(["notify-test", "--config", config])
            #expect(result.stdout.hasPrefix(expected), "\(result.stdout) \(result.stderr)")
        }
        let accepted = (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").dropFirst()
        #expect(accepted.count == 1 && accepted.first?.hasPrefix("revised notify-test-") == true, "\(accepted)")
    }
}
