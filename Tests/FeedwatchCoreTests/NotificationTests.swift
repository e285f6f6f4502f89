import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Logging
import Testing
import TestSupport

/// `notify[]` webhooks (SPEC §2) against a receiver on 127.0.0.1: delivered at
/// least once, in order, signed, retried, given up, and never in the way of
/// polling or the journal.
@Suite struct NotificationTests {
    /// A watched site with two posts, baselined, and a webhook channel to a receiver.
    private struct Scene {
        let receiver: FakeWebhookReceiver
        let watched: WatchedSite
        /// Holds the secret file.
        let secrets: TemporaryDirectory
        let first: Int
        let second: Int
        static let secret = "it is a secret"

        init(_ purpose: String, configure: (inout NotifyChannel) -> Void = { _ in }) async throws {
            let receiver = try FakeWebhookReceiver()
            secrets = try TemporaryDirectory()
            let secretFile = try secrets.write("hook.secret", Self.secret + "\n")
            var channel = NotifyChannel(name: "hook", target: .webhook(url: receiver.url + "feedwatch", secret: .file(secretFile)))
            configure(&channel)
            self.receiver = receiver
            watched = try WatchedSite(purpose, notify: [channel])
            first = watched.site.addPost(title: "First", content: "<p>One.</p>")
            second = watched.site.addPost(title: "Second", content: "<p>Two.</p>")
            #expect(await watched.sync() == nil)
        }

        /// Revises both posts (first, then second) and syncs.
        func reviseBoth(_ round: Int = 1) async {
            watched.site.edit(first, title: "First, revision \(round)")
            watched.site.edit(second, content: "<p>Two, revision \(round).</p>")
            #expect(await watched.sync() == nil)
        }

        func dispatching(retryBase: Duration = .milliseconds(200)) -> Task<Void, Never> {
            let dispatcher = watched.engine.dispatcher(retryBase: retryBase, idlePoll: .milliseconds(50))
            return Task { await dispatcher.run() }
        }

        func shutdown() async {
            await watched.shutdown()
            receiver.stop()
        }
    }

    private static func json(_ request: WebhookRequest) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]) ?? [:]
    }

    @Test func everyChangeArrivesOnceSignedWithAStableKey() async throws {
        let scene = try await Scene("notify-once")
        await scene.reviseBoth()
        let task = scene.dispatching()
        let requests = await scene.receiver.waitForRequests(2)
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        await task.value
        #expect(scene.receiver.requests.count == 2, "once each, no repeat")
        #expect(requests.map { Self.json($0)["post_id"] as? Int } == [scene.first, scene.second], "in the order of the events")
        #expect(requests.allSatisfy { Self.json($0)["event"] as? String == "revised" && Self.json($0)["site"] as? String == scene.watched.name })
        #expect(Set(requests.compactMap { $0.header("Idempotency-Key") }).count == 2)
        for request in requests {
            #expect(request.method == "POST" && request.path == "/feedwatch")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("User-Agent")?.hasPrefix("feedwatch/") == true)
            #expect(request.header("Idempotency-Key") == Self.json(request)["event_id"] as? String)
            let timestamp = try #require(request.header("X-Feedwatch-Timestamp"))
            let signature = WebhookSignature(secret: Array(Scene.secret.utf8)).signature(request.body, timestamp: timestamp)
            #expect(request.header("X-Feedwatch-Signature") == "sha256=" + signature)
            #expect(abs(Double(timestamp).map { $0 - Date().timeIntervalSince1970 } ?? 99) < 30)
        }
        let excerpt = try #require(requests.first.flatMap { Self.json($0)["excerpt"] as? String })
        #expect(excerpt.contains("-First") && excerpt.contains("+First, revision 1"), "\(excerpt)")
        #expect(try await scene.watched.engine.store.channelStatuses(["hook"]).first?.backlog == 0)
        await scene.shutdown()
    }

    @Test func retriesAfter500And429ComeLaterAndInOrder() async throws {
        let scene = try await Scene("notify-retry")
        scene.receiver.answerNext(.status(500), .status(429, retryAfter: "1"))
        await scene.reviseBoth()
        let task = scene.dispatching()
        let requests = await scene.receiver.waitForRequests(4, timeout: .seconds(10))
        task.cancel()
        await task.value
        #expect(requests.map { Self.json($0)["post_id"] as? Int } == [scene.first, scene.first, scene.first, scene.second])
        #expect(Set(requests.prefix(3).compactMap { $0.header("Idempotency-Key") }).count == 1, "the same key on every retry")
        if requests.count == 4 {
            #expect(requests[2].arrival - requests[1].arrival >= .seconds(1), "Retry-After: 1 is honoured")
        }
        await scene.shutdown()
    }

    @Test func aReceiverDownForAWhileGetsEverythingAfterARestart() async throws {
        let scene = try await Scene("notify-down")
        scene.receiver.goDown()
        await scene.reviseBoth()
        let task = scene.dispatching()
        try await Task.sleep(for: .milliseconds(600))
        task.cancel()
        await task.value
        let status = try #require(try await scene.watched.engine.store.channelStatuses(["hook"]).first)
        #expect(status.backlog == 2)
        #expect(status.lastError?.contains("cannot reach") == true, "\(String(describing: status.lastError))")

        // feedwatch restarts: a new engine on the same database.
        await scene.watched.engine.shutdown()
        let engine = try Engine(configuration: scene.watched.engine.configuration,
                                databasePath: scene.watched.database.location, environment: [:],
                                logger: Logger(label: "test"))
        try scene.receiver.comeBack()
        let restarted = engine.dispatcher(retryBase: .milliseconds(200), idlePoll: .milliseconds(50))
        let again = Task { await restarted.run() }
        let requests = await scene.receiver.waitForRequests(2, timeout: .seconds(10))
        // The receiver has the second request a moment before the dispatcher records its answer.
        var backlog = try await engine.store.channelStatuses(["hook"]).first?.backlog
        for _ in 0..<50 where backlog != 0 {
            try await Task.sleep(for: .milliseconds(100))
            backlog = try await engine.store.channelStatuses(["hook"]).first?.backlog
        }
        again.cancel()
        await again.value
        #expect(requests.map { Self.json($0)["post_id"] as? Int } == [scene.first, scene.second])
        #expect(backlog == 0)
        await engine.shutdown()
        scene.receiver.stop()
    }

    @Test func aRefusedEventIsGivenUpAndTheNextOneStillGoes() async throws {
        let scene = try await Scene("notify-refused")
        scene.receiver.answerNext(.status(404))
        await scene.reviseBoth()
        let task = scene.dispatching()
        let requests = await scene.receiver.waitForRequests(2)
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await task.value
        #expect(scene.receiver.requests.count == 2, "a 404 is not retried")
        #expect(requests.map { Self.json($0)["post_id"] as? Int } == [scene.first, scene.second])
        let status = try #require(try await scene.watched.engine.store.channelStatuses(["hook"]).first)
        #expect(status.lastError?.hasPrefix("HTTP 404") == true && status.lastSuccess != nil && status.backlog == 0)
        await scene.shutdown()
    }

    @Test func anEventTooOldIsGivenUp() async throws {
        let scene = try await Scene("notify-old") { $0.maxAge = .seconds(1) }
        scene.receiver.goDown()
        await scene.reviseBoth()
        let task = scene.dispatching()
        try await Task.sleep(for: .milliseconds(2500))
        task.cancel()
        await task.value
        let status = try #require(try await scene.watched.engine.store.channelStatuses(["hook"]).first)
        #expect(status.backlog == 0)
        #expect(status.lastError?.contains("gave up the revised event") == true, "\(String(describing: status.lastError))")
        await scene.shutdown()
    }

    @Test func theEventsAndSitesFiltersHold() async throws {
        let receiver = try FakeWebhookReceiver()
        let channels = [
            NotifyChannel(name: "new-only", target: .webhook(url: receiver.url + "new-only", secret: nil), events: [.new]),
            NotifyChannel(name: "elsewhere", target: .webhook(url: receiver.url + "elsewhere", secret: nil), sites: ["another-site"]),
        ]
        let watched = try WatchedSite("notify-filters", notify: channels)
        let post = watched.site.addPost(title: "First", content: "<p>One.</p>")
        #expect(await watched.sync() == nil)
        watched.site.edit(post, title: "First, revised")
        _ = watched.site.addPost(title: "Second", content: "<p>Two.</p>")
        #expect(await watched.sync() == nil)
        let dispatcher = watched.engine.dispatcher(retryBase: .milliseconds(200), idlePoll: .milliseconds(50))
        let task = Task { await dispatcher.run() }
        let requests = await receiver.waitForRequests(1)
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        await task.value
        #expect(receiver.requests.count == 1, "only the new post, only to the channel that wants this site")
        #expect(requests.first?.path == "/new-only")
        #expect(requests.first.map { Self.json($0)["event"] as? String } == "new")
        await watched.shutdown()
        receiver.stop()
    }

    @Test func aHangingChannelDoesNotHoldUpAnotherChannel() async throws {
        let stuck = try FakeWebhookReceiver()
        stuck.defaultAnswer = .hang
        let healthy = try FakeWebhookReceiver()
        var slow = NotifyChannel(name: "stuck", target: .webhook(url: stuck.url, secret: nil))
        slow.timeout = .seconds(60)
        let watched = try WatchedSite("notify-two-channels", notify: [
            slow, NotifyChannel(name: "healthy", target: .webhook(url: healthy.url, secret: nil)),
        ])
        let post = watched.site.addPost(title: "First", content: "<p>One.</p>")
        #expect(await watched.sync() == nil)
        watched.site.edit(post, title: "First, revised")
        #expect(await watched.sync() == nil)
        let dispatcher = watched.engine.dispatcher(retryBase: .milliseconds(200), idlePoll: .milliseconds(50))
        let start = ContinuousClock.now
        let task = Task { await dispatcher.run() }
        let hanging = await stuck.waitForRequests(1)
        let taken = await healthy.waitForRequests(1)
        let elapsed = ContinuousClock.now - start
        #expect(hanging.count == 1 && taken.count == 1, "both were sent the event")
        #expect(elapsed < .seconds(1), "the healthy channel had it after \(elapsed)")
        task.cancel()
        await task.value
        await watched.shutdown()
        stuck.stop()
        healthy.stop()
    }

    @Test func aHangingChannelDelaysNeitherPollingNorTheJournal() async throws {
        let scene = try await Scene("notify-hang") { $0.timeout = .seconds(60) }
        scene.receiver.defaultAnswer = .hang
        await scene.reviseBoth()
        let task = scene.dispatching()
        _ = await scene.receiver.waitForRequests(1)

        scene.watched.site.edit(scene.first, title: "First, while the hook hangs")
        let start = ContinuousClock.now
        #expect(await scene.watched.sync() == nil)
        let entries = try JournalReader.entries(site: scene.watched.name, atLeast: 4)
        let elapsed = ContinuousClock.now - start
        #expect(entries.last?["FEEDWATCH_TITLE"] == "First, while the hook hangs")
        #expect(elapsed < .seconds(1), "the journal entry came \(elapsed) after the sync started")
        task.cancel()
        await task.value
        await scene.shutdown()
    }
}

/// `notify[]` commands: the event as JSON on stdin and as variables, the
/// output in the journal, a hanging command killed at its timeout.
@Suite struct CommandChannelTests {
    @Test func aCommandGetsTheEventOnStdinAndInItsEnvironment() async throws {
        let scratch = try TemporaryDirectory()
        let script = "cat > \(scratch.path)/stdin.json; env > \(scratch.path)/env.txt; echo handled $FEEDWATCH_POST_ID"
        let channel = NotifyChannel(name: "script", target: .command(arguments: ["/bin/sh", "-c", script]))
        let watched = try WatchedSite("notify-command", notify: [channel])
        let post = watched.site.addPost(title: "Before", content: "<p>Text.</p>")
        #expect(await watched.sync() == nil)
        watched.site.edit(post, title: "After")
        #expect(await watched.sync() == nil)
        let dispatcher = watched.engine.dispatcher(retryBase: .milliseconds(200), idlePoll: .milliseconds(50))
        let task = Task { await dispatcher.run() }
        var delivered = false
        for _ in 0..<100 where !delivered {
            try await Task.sleep(for: .milliseconds(50))
            delivered = try await watched.engine.store.channelStatuses(["script"]).first?.lastSuccess != nil
        }
        task.cancel()
        await task.value
        #expect(delivered)

        let document = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: scratch.file("stdin.json")))) as? [String: Any])
        #expect(document["event"] as? String == "revised" && document["title"] as? String == "After")
        let environment = try String(contentsOfFile: scratch.file("env.txt"), encoding: .utf8).split(separator: "\n")
        #expect(environment.contains("FEEDWATCH_EVENT=revised"))
        #expect(environment.contains("FEEDWATCH_POST_ID=\(post)"))
        #expect(environment.contains("FEEDWATCH_SITE=\(watched.name)"))
        #expect(environment.contains("FEEDWATCH_EVENT_ID=\(document["event_id"] as? String ?? "?")"), "the idempotency key")
        #expect(!environment.contains { $0.hasPrefix("HOME=") }, "nothing of feedwatch's own environment")

        let output = try JournalReader.read(match: "FEEDWATCH_CHANNEL=script").filter { $0["FEEDWATCH_SITE"] == watched.name }
        #expect(output.map { $0["MESSAGE"] } == ["notify channel script: /bin/sh printed: handled \(post)"])
        #expect(output.first?["FEEDWATCH_POST_ID"] == "\(post)")
        await watched.shutdown()
    }

    @Test func aHangingCommandIsKilledAtItsTimeoutAndRetried() async throws {
        var channel = NotifyChannel(name: "stuck", target: .command(arguments: ["/bin/sleep", "30"]))
        channel.timeout = .seconds(1)
        let watched = try WatchedSite("notify-command-hang", notify: [channel])
        let post = watched.site.addPost(title: "Before", content: "<p>Text.</p>")
        #expect(await watched.sync() == nil)
        watched.site.edit(post, title: "After")
        #expect(await watched.sync() == nil)
        let dispatcher = watched.engine.dispatcher(retryBase: .seconds(60), idlePoll: .milliseconds(50))
        let start = ContinuousClock.now
        let task = Task { await dispatcher.run() }
        var status: ChannelStatus?
        while ContinuousClock.now - start < .seconds(6), status?.lastError == nil {
            try await Task.sleep(for: .milliseconds(50))
            status = try await watched.engine.store.channelStatuses(["stuck"]).first
        }
        task.cancel()
        await task.value
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(status?.lastError?.contains("did not finish within 1s") == true, "\(String(describing: status?.lastError))")
        #expect(status?.backlog == 1, "kept for another try")
        await watched.shutdown()
    }
}
