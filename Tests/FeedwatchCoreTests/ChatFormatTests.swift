import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// Webhook channels with a chat or push `format`: a real change delivered end
/// to end to a receiver on 127.0.0.1, whose body is checked against the shape
/// and limits each service documents (Slack's incoming webhooks, Discord's
/// execute-webhook, ntfy's publish-as-JSON, Gotify's `POST /message`).
@Suite struct ChatFormatTests {
    /// A site with one post, baselined, and one channel of `format` to a receiver.
    private struct Scene {
        let receiver: FakeWebhookReceiver
        let watched: WatchedSite
        let secrets: TemporaryDirectory
        let post: Int

        init(_ purpose: String, format: WebhookFormat, path: String = "hook", token: String? = nil,
             content: String = "<p>One.</p>") async throws {
            let receiver = try FakeWebhookReceiver()
            let secrets = try TemporaryDirectory()
            let secret = try token.map { SecretSource.file(try secrets.write("token", $0 + "\n")) }
            self.secrets = secrets
            let channel = NotifyChannel(name: "chat", target: .webhook(url: receiver.url + path, secret: secret, format: format))
            self.receiver = receiver
            watched = try WatchedSite(purpose, notify: [channel])
            post = watched.site.addPost(title: "First", content: content)
            // Saved a while ago: a change with the same modified date is a silent edit, not a second save.
            watched.site.setModifiedTimestamp(post, gmt: Date().addingTimeInterval(-3600))
            #expect(await watched.sync() == nil)
        }

        /// Runs the dispatcher until the receiver has one request, and a moment more.
        func delivered() async throws -> WebhookRequest {
            let dispatcher = watched.engine.dispatcher(retryBase: .milliseconds(200), idlePoll: .milliseconds(50))
            let task = Task { await dispatcher.run() }
            let requests = await receiver.waitForRequests(1)
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            await task.value
            #expect(receiver.requests.count == 1, "one message per change")
            return try #require(requests.first)
        }

        func shutdown() async {
            await watched.shutdown()
            receiver.stop()
        }
    }

    private static func object(_ request: WebhookRequest) throws -> [String: Any] {
        #expect(request.method == "POST" && request.header("Content-Type") == "application/json")
        #expect(request.header(WebhookSignature.signatureHeader) == nil, "only feedwatch's own document is signed")
        return try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    @Test func slackGetsOneEscapedMrkdwnTextWithTheDiff() async throws {
        let scene = try await Scene("chat-slack", format: .slack)
        scene.watched.site.edit(scene.post, title: "Prices < costs & more", content: "<p>One, revised.</p>")
        #expect(await scene.watched.sync() == nil)
        let request = try await scene.delivered()
        let body = try Self.object(request)
        #expect(Set(body.keys) == ["text"])
        let text = try #require(body["text"] as? String)
        #expect(text.contains("*Revised on \(scene.watched.name)*"), "\(text)")
        #expect(text.contains("<\(scene.watched.site.url)"), "a link to the post: \(text)")
        #expect(text.contains("|Prices &lt; costs &amp; more>"), "Slack's control characters escaped: \(text)")
        #expect(text.contains("post \(scene.post) · version 2 · changed: title, content, excerpt"), "\(text)")
        #expect(text.contains("```\ntitle:\n-First\n+Prices &lt; costs &amp; more\ncontent:\n-One.\n+One, revised."), "\(text)")
        #expect(!text.contains("@@") && !text.contains("+++"), "no diff headers: \(text)")
        #expect(text.utf16.count <= SlackMessage.limit)
        await scene.shutdown()
    }

    @Test func discordGetsAnEmbedWithinItsLimitsThatMentionsNoOne() async throws {
        let scene = try await Scene("chat-discord", format: .discord)
        scene.watched.site.edit(scene.post, title: "@everyone *look*", content: "<p>One, revised.</p>")
        #expect(await scene.watched.sync() == nil)
        let body = try Self.object(try await scene.delivered())
        #expect(Set(body.keys) == ["content", "embeds", "allowed_mentions"])
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [], "no @everyone, no roles, no users")
        let content = try #require(body["content"] as? String)
        #expect(content.contains("**Revised on \(scene.watched.name)**") && content.utf16.count <= 2000, "\(content)")
        let embeds = try #require(body["embeds"] as? [[String: Any]])
        #expect(embeds.count == 1)
        let embed = try #require(embeds.first)
        #expect(Set(embed.keys) == ["title", "url", "description", "color"])
        let title = try #require(embed["title"] as? String)
        #expect(title == "@everyone *look*" && title.utf16.count <= 256)
        #expect((embed["url"] as? String)?.hasPrefix(scene.watched.site.url) == true)
        let description = try #require(embed["description"] as? String)
        #expect(description.contains("```diff\n") && description.contains("+One, revised."), "\(description)")
        #expect(description.utf16.count <= 4096 && title.utf16.count + description.utf16.count <= 6000)
        #expect(embed["color"] as? Int == 0x3498DB)
        await scene.shutdown()
    }

    @Test func ntfyGetsASilentEditAtHighPriorityOnItsTopicWithTheToken() async throws {
        let scene = try await Scene("chat-ntfy", format: .ntfy, path: "feedwatch-alerts", token: "tk_abc123")
        scene.watched.site.edit(scene.post, content: "<p>Quietly rewritten.</p>", bumpModified: false)
        #expect(await scene.watched.sync(full: true) == nil)
        let request = try await scene.delivered()
        #expect(request.path == "/", "JSON is published to the server's root")
        #expect(request.header("Authorization") == "Bearer tk_abc123", "the token without its newline")
        let body = try Self.object(request)
        #expect(Set(body.keys) == ["topic", "title", "message", "priority", "tags", "click"])
        #expect(body["topic"] as? String == "feedwatch-alerts")
        #expect(body["title"] as? String == "Silent edit on \(scene.watched.name)")
        #expect(body["priority"] as? Int == 4 && body["tags"] as? [String] == ["warning"])
        #expect((body["click"] as? String)?.hasPrefix(scene.watched.site.url) == true)
        let message = try #require(body["message"] as? String)
        #expect(message.hasPrefix("First\n"), "\(message)")
        #expect(message.contains("modified date did not: an edit nobody was told of"), "said prominently: \(message)")
        #expect(message.contains("+Quietly rewritten.") && message.utf8.count <= 4096, "\(message)")
        await scene.shutdown()
    }

    @Test func gotifyGetsAMessageWithPriorityAndAClickURL() async throws {
        let scene = try await Scene("chat-gotify", format: .gotify, path: "message", token: "AppToken.1")
        scene.watched.site.remove(scene.post)
        #expect(await scene.watched.sync(full: true) == nil)
        let request = try await scene.delivered()
        #expect(request.path == "/message" && request.header("X-Gotify-Key") == "AppToken.1")
        let body = try Self.object(request)
        #expect(Set(body.keys) == ["title", "message", "priority", "extras"])
        #expect(body["title"] as? String == "Deleted from \(scene.watched.name)")
        #expect(body["priority"] as? Int == 8, "a deletion is a warning: sound and vibration")
        let extras = try #require(body["extras"] as? [String: [String: Any]])
        #expect(extras["client::display"]?["contentType"] as? String == "text/plain")
        let click = (extras["client::notification"]?["click"] as? [String: Any])?["url"] as? String
        #expect(click?.hasPrefix(scene.watched.site.url) == true)
        let message = try #require(body["message"] as? String)
        #expect(message.contains("The post is gone from the site.") && message.contains("post \(scene.post)"), "\(message)")
        await scene.shutdown()
    }

    @Test func aTitleCanNeitherMentionNorLinkInSlackOrDiscord() {
        var event = ChangeEvent(kind: .new, site: "news", siteURL: "https://news.example/")
        event.postID = 7
        event.postURL = "https://news.example/?p=7"
        event.title = "<!channel> @everyone [click](https://evil.example) *now*"
        let message = ChatMessage(event, excerpt: nil)
        let slack = SlackMessage(message).text
        #expect(slack.contains("|&lt;!channel&gt; @everyone [click](https://evil.example) *now*>") && !slack.contains("<!channel>"), "\(slack)")
        let discord = DiscordMessage(message)
        #expect(discord.allowedMentions.parse.isEmpty)
        #expect(discord.embeds.first?.title == event.title, "an embed's title shows no markdown")
        #expect(DiscordMessage.escaped(event.title ?? "") == #"<!channel\> @everyone \[click\](https://evil.example) \*now\*"#)
    }

    /// Sixty long paragraphs rewritten: far more diff than any service takes.
    @Test(arguments: [WebhookFormat.slack, .discord, .ntfy, .gotify])
    func aLongDiffIsCutToFitButTheFactsStay(format: WebhookFormat) async throws {
        let paragraph = String(repeating: "Words of a long paragraph. ", count: 20)
        let before = (1...60).map { "<p>\($0) \(paragraph)</p>" }.joined()
        let path = switch format {
        case .ntfy: "topic"
        case .gotify: "message"
        default: "hook"
        }
        let scene = try await Scene("chat-long-\(format.rawValue)", format: format, path: path, content: before)
        scene.watched.site.edit(scene.post, content: before.replacingOccurrences(of: "Words", with: "Other words"))
        #expect(await scene.watched.sync() == nil)
        let body = try Self.object(try await scene.delivered())
        let text: String
        switch format {
        case .slack:
            text = try #require(body["text"] as? String)
            #expect(text.utf16.count <= SlackMessage.limit)
        case .discord:
            let embed = try #require((body["embeds"] as? [[String: Any]])?.first)
            text = try #require(embed["description"] as? String)
            #expect(text.utf16.count <= 4096)
        default:
            text = try #require(body["message"] as? String)
            #expect(text.utf8.count <= 4000)
        }
        #expect(text.contains("version 2 · changed: content, excerpt"), "the facts stay: \(text)")
        #expect(text.contains("content:\n-1 Words of a long paragraph."), "the first lines of the diff: \(text)")
        #expect(text.contains("more lines: feedwatch diff \(scene.watched.name) \(scene.post)"), "says what was left out: \(text)")
        await scene.shutdown()
    }
}
