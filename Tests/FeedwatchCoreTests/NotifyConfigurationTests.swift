@testable import FeedwatchCore
import Testing

/// `notify[]` (SPEC §2) is checked as precisely as the rest of the file.
@Suite struct NotifyConfigurationTests {
    private static let sites = #""sites": [{"name": "news", "url": "https://news.example.org/"}, {"name": "blog", "url": "https://blog.example.org/"}]"#

    /// The problems with `notify` set to `channels`.
    private func problems(_ channels: String) -> [String] {
        do {
            _ = try ConfigurationLoader.parse(Array("{\(Self.sites), \"notify\": \(channels)}".utf8), source: "/etc/feedwatch.json")
            return []
        } catch {
            return error.lines
        }
    }

    /// The channels of a valid `notify` list.
    private func channels(_ channels: String) throws -> [NotifyChannel] {
        try ConfigurationLoader.parse(Array("{\(Self.sites), \"notify\": \(channels)}".utf8), source: "test").notify
    }

    @Test func validChannelsGetTheirDefaultsAndFilters() throws {
        let read = try channels("""
            [{"webhook": "https://hooks.example.org/feedwatch", "secretFile": "/etc/feedwatch/hook.secret",
              "events": ["revised", "silent-edit", "deleted"]},
             {"command": ["/usr/local/bin/on-change", "--quiet"], "timeout": "10s", "sites": ["blog"], "name": "script"},
             {"webhook": "http://127.0.0.1:9000/hook", "credential": "hook.secret", "maxAge": "2h"}]
            """)
        #expect(read.count == 3)
        #expect(read[0] == NotifyChannel(name: "hooks.example.org",
                                         target: .webhook(url: "https://hooks.example.org/feedwatch",
                                                          secret: .file("/etc/feedwatch/hook.secret")),
                                         events: [.revised, .silentEdit, .deleted]))
        #expect(read[1].name == "script")
        #expect(read[1].target == .command(arguments: ["/usr/local/bin/on-change", "--quiet"]))
        #expect(read[1].timeout == .seconds(10))
        #expect(read[1].events == NotifyChannel.defaultEvents)
        #expect(read[1].wants(.revised, site: "blog") && !read[1].wants(.revised, site: "news"))
        #expect(!read[0].wants(.new, site: "news"), "new is not among its events")
        #expect(read[2].target == .webhook(url: "http://127.0.0.1:9000/hook", secret: .credential("hook.secret")))
        #expect(read[2].maxAge == .seconds(7200) && read[2].timeout == .seconds(30))
    }

    @Test func plainHTTPToAnotherHostNeedsAllowInsecure() {
        #expect(problems(#"[{"webhook": "http://hooks.example.org/x"}]"#) == [
            #"/etc/feedwatch.json: notify[0].webhook: "http://hooks.example.org/x" would send events unencrypted over the network; use https, or set "allowInsecure": true if that is really meant"#,
        ])
        #expect(problems(#"[{"webhook": "http://hooks.example.org/x", "allowInsecure": true}]"#).isEmpty)
        #expect(problems(#"[{"webhook": "http://127.0.0.1:8080/x"}]"#).isEmpty, "loopback is not the network")
        #expect(problems(#"[{"webhook": "http://127.evil.example/x"}]"#).count == 1, "a name is not an address")
    }

    @Test func everyMistakeInAChannelIsReportedWithItsPath() {
        let lines = problems("""
            [{"webhook": "ftp://hooks.example.org/"},
             {"command": "/usr/local/bin/on-change"},
             {"command": ["on-change"], "secretFile": "/x"},
             {"webhook": "https://a.example/", "command": ["/bin/true"]},
             {"webhok": "https://a.example/"},
             {"webhook": "https://a.example/", "events": ["revized", "everything"], "sites": ["nws"], "timeout": "0s"},
             {"webhook": "https://a.example/", "secretFile": "hook.secret", "allowInsecure": "yes"},
             {"command": []},
             "https://a.example/"]
            """)
        #expect(lines == [
            #"/etc/feedwatch.json: notify[0].webhook: "ftp://hooks.example.org/" is not an http or https URL, such as "https://hooks.example.org/feedwatch""#,
            "/etc/feedwatch.json: notify[1].command: expected a list of the program and its arguments, such as [\"/usr/local/bin/on-change\"], found a string",
            #"/etc/feedwatch.json: notify[2].command[0]: "on-change" must be an absolute path (commands run without a shell or PATH)"#,
            "/etc/feedwatch.json: notify[2].secretFile: applies to a webhook only",
            #"/etc/feedwatch.json: notify[3]: give either "webhook" or "command", not both: make two channels"#,
            #"/etc/feedwatch.json: notify[4].webhok: unknown key (did you mean "webhook"?)"#,
            #"/etc/feedwatch.json: notify[4]: missing "webhook" (a URL to POST each event to) or "command" (a program to run for each event)"#,
            #"/etc/feedwatch.json: notify[5].events[0]: "revized" is not an event kind (did you mean "revised"?)"#,
            #"/etc/feedwatch.json: notify[5].events[1]: "everything" is not an event kind (one of new, revised, silent-edit, touched, deleted, unpublished, restored, baseline, site-failing, site-recovered)"#,
            #"/etc/feedwatch.json: notify[5].sites[0]: no site named "nws" in "sites" (did you mean "news"?)"#,
            "/etc/feedwatch.json: notify[5].timeout: must be longer than 0s",
            "/etc/feedwatch.json: notify[6].allowInsecure: expected true or false, found a string",
            #"/etc/feedwatch.json: notify[6].secretFile: "hook.secret" must be an absolute path"#,
            #"/etc/feedwatch.json: notify[7].command: is empty; give the program to run, such as ["/usr/local/bin/on-change"]"#,
            #"/etc/feedwatch.json: notify[8]: expected an object with a "webhook" or a "command", found a string"#,
        ])
    }

    @Test func chatFormatsTakeTheirServicesAddressesAndTokens() throws {
        let read = try channels("""
            [{"webhook": "https://hooks.slack.com/services/T0/B0/x", "format": "slack"},
             {"webhook": "https://ntfy.sh/feedwatch-alerts", "format": "ntfy", "credential": "ntfy.token"},
             {"webhook": "https://push.example.org/gotify/message", "format": "gotify", "secretFile": "/etc/feedwatch/gotify.token"},
             {"webhook": "https://discord.com/api/webhooks/1/abc", "format": "discord", "name": "team"}]
            """)
        #expect(read.map(\.target) == [
            .webhook(url: "https://hooks.slack.com/services/T0/B0/x", secret: nil, format: .slack),
            .webhook(url: "https://ntfy.sh/feedwatch-alerts", secret: .credential("ntfy.token"), format: .ntfy),
            .webhook(url: "https://push.example.org/gotify/message", secret: .file("/etc/feedwatch/gotify.token"), format: .gotify),
            .webhook(url: "https://discord.com/api/webhooks/1/abc", secret: nil, format: .discord),
        ])
        #expect(NtfyMessage.split("https://push.example.org/ntfy/alerts")! == ("https://push.example.org/ntfy/", "alerts"))
        #expect(problems("""
            [{"webhook": "https://hooks.slack.com/x", "format": "slak"},
             {"webhook": "https://hooks.slack.com/x", "format": "slack", "secretFile": "/etc/feedwatch/x"},
             {"webhook": "https://ntfy.sh/", "format": "ntfy"},
             {"webhook": "https://ntfy.sh/alerts?priority=5", "format": "ntfy"},
             {"webhook": "https://gotify.example.org/", "format": "gotify"},
             {"command": ["/bin/true"], "format": "slack"},
             {"webhook": "https://a.example/", "format": 1}]
            """) == [
            #"/etc/feedwatch.json: notify[0].format: "slak" is not a webhook format (did you mean "slack"?)"#,
            #"/etc/feedwatch.json: notify[1].secretFile: a slack webhook takes no secret (its URL is the secret); leave "secretFile" out"#,
            #"/etc/feedwatch.json: notify[2].webhook: "https://ntfy.sh/" is not an ntfy topic's URL, such as "https://ntfy.sh/feedwatch-alerts" (the server, then the topic: letters, digits, - and _)"#,
            #"/etc/feedwatch.json: notify[3].webhook: "https://ntfy.sh/alerts?priority=5" is not an ntfy topic's URL, such as "https://ntfy.sh/feedwatch-alerts" (the server, then the topic: letters, digits, - and _)"#,
            #"/etc/feedwatch.json: notify[4].webhook: "https://gotify.example.org/" is not a Gotify server's message address, such as "https://gotify.example.org/message""#,
            "/etc/feedwatch.json: notify[5].format: applies to a webhook only",
            "/etc/feedwatch.json: notify[6].format: expected one of json, slack, discord, ntfy, gotify as a string, found a number",
        ])
    }

    @Test func theFeedTakesAnAbsolutePathAndABoundedNumberOfEntries() throws {
        func feed(_ json: String) throws -> FeedConfiguration? {
            try ConfigurationLoader.parse(Array("{\(Self.sites), \"feed\": \(json)}".utf8), source: "test").feed
        }
        #expect(try feed(#"{"path": "/var/lib/feedwatch/changes.atom"}"#)
            == FeedConfiguration(path: "/var/lib/feedwatch/changes.atom", entries: 200, events: NotifyChannel.defaultEvents))
        #expect(try feed(#"{"path": "/srv/www/changes.atom", "entries": 50, "events": ["silent-edit"]}"#)
            == FeedConfiguration(path: "/srv/www/changes.atom", entries: 50, events: [.silentEdit]))
        func problems(_ json: String) -> [String] {
            do {
                _ = try ConfigurationLoader.parse(Array("{\(Self.sites), \"feed\": \(json)}".utf8), source: "/etc/feedwatch.json")
                return []
            } catch {
                return error.lines
            }
        }
        #expect(problems(#"{"path": "changes.atom", "entries": 0, "event": []}"#) == [
            #"/etc/feedwatch.json: feed.event: unknown key (did you mean "events"?)"#,
            #"/etc/feedwatch.json: feed.path: expected the absolute path of a file, such as "/var/lib/feedwatch/changes.atom", found "changes.atom""#,
            "/etc/feedwatch.json: feed.entries: expected a whole number of entries from 1 to 10000, found 0",
        ])
        #expect(problems(#"{}"#) == [#"/etc/feedwatch.json: feed: missing "path", the file to write, such as "/var/lib/feedwatch/changes.atom""#])
    }

    @Test func twoChannelsMayNotShareAName() {
        #expect(problems(#"[{"webhook": "https://hooks.example.org/a"}, {"webhook": "https://hooks.example.org/b"}]"#) == [
            #"/etc/feedwatch.json: notify[1]: "hooks.example.org" is already the name of notify[0]; give each channel its own "name""#,
        ])
        #expect(problems(#"[{"webhook": "https://hooks.example.org/a"}, {"webhook": "https://hooks.example.org/b", "name": "second"}]"#)
            .isEmpty)
    }
}
