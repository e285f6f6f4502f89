import FeedwatchCore
import Testing
import TestSupport

@Suite struct ConfigurationTests {
    private func problems(_ json: String) -> [String] {
        do {
            _ = try ConfigurationLoader.parse(Array(json.utf8), source: "/etc/feedwatch.json")
            return []
        } catch {
            return error.lines
        }
    }

    @Test func validFileAppliesDefaultsToEverySite() throws {
        let configuration = try ConfigurationLoader.parse(Array("""
            {
              "defaults": { "interval": "10m", "types": ["posts", "pages"], "timeout": 20 },
              "sites": [
                { "name": "europesays-uk", "url": "https://www.europesays.com/uk/", "interval": "2m" },
                { "url": "http://127.0.0.1:8080/blog", "enabled": false, "ignore": ["data-nonce=\\"[0-9a-f]+\\""] }
              ],
              "database": "/tmp/fw.db"
            }
            """.utf8), source: "test.json")
        #expect(configuration.database == .sqlite(path: "/tmp/fw.db"))
        #expect(configuration.sites.count == 2)
        let first = configuration.sites[0]
        #expect(first.name == "europesays-uk")
        #expect(first.interval == .seconds(120))
        #expect(first.types == ["posts", "pages"])
        #expect(first.timeout == .seconds(20))
        let second = configuration.sites[1]
        #expect(second.name == "127.0.0.1-8080-blog")
        #expect(second.url == "http://127.0.0.1:8080/blog/")
        #expect(second.interval == .seconds(600))
        #expect(second.enabled == false)
        #expect(second.ignore == ["data-nonce=\"[0-9a-f]+\""])
    }

    @Test func cadencesAndConcurrencyAreRead() throws {
        let configuration = try ConfigurationLoader.parse(Array("""
            {"defaults": {"concurrency": 4, "reconcile": "30m"},
             "sites": [{"url": "https://a.org/", "verify": "12h"}]}
            """.utf8), source: "test.json")
        #expect(configuration.concurrency == 4)
        #expect(configuration.sites[0].reconcile == .seconds(1800))
        #expect(configuration.sites[0].verify == .seconds(43_200))
        #expect(problems(#"{"defaults": {"concurrency": 0}, "sites": [{"url": "https://a.org/", "concurrency": 2}]}"#) == [
            "/etc/feedwatch.json: defaults.concurrency: expected a whole number of sites from 1 to 1024, found 0",
            "/etc/feedwatch.json: sites[0].concurrency: unknown key",
        ])
    }

    @Test func badDurationNamesFileAndPath() {
        #expect(problems(#"{"sites": [{"url": "https://a.org/"}, {"url": "https://b.org/"}, {"url": "https://c.org/", "interval": "5 minutes"}]}"#)
            == [#"/etc/feedwatch.json: sites[2].interval: "5 minutes" is not a duration (e.g. "5m", "90s")"#])
    }

    @Test func intervalBelowTenSecondsIsRefused() {
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "interval": 5}]}"#)
            == ["/etc/feedwatch.json: sites[0].interval: 5 is shorter than the minimum of 10s"])
    }

    @Test func badURLSchemeIsRefused() {
        #expect(problems(#"{"sites": [{"url": "ftp://a.org/"}]}"#)
            == [#"/etc/feedwatch.json: sites[0].url: "ftp://a.org/" must be an http or https address"#])
    }

    @Test func duplicateNamesAreRefusedEvenWhenDerived() {
        #expect(problems(#"{"sites": [{"url": "https://www.a.org/x/"}, {"name": "a.org-x", "url": "https://b.org/"}]}"#)
            == [#"/etc/feedwatch.json: sites[1].name: "a.org-x" is already the name of sites[0]; give each site its own "name""#])
    }

    @Test func unknownKeyGetsDidYouMeanHint() {
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "intervall": "5m"}], "databse": "/x.db"}"#) == [
            #"/etc/feedwatch.json: databse: unknown key (did you mean "database"?)"#,
            #"/etc/feedwatch.json: sites[0].intervall: unknown key (did you mean "interval"?)"#,
        ])
    }

    @Test func transposedLettersStillGetAHint() {
        #expect(problems(#"{"defaults": {"tyeps": ["posts"]}, "sites": []}"#)
            == [#"/etc/feedwatch.json: defaults.tyeps: unknown key (did you mean "types"?)"#])
    }

    @Test func wrongTypeNamesWhatWasFound() {
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "types": "posts", "enabled": "yes"}]}"#) == [
            #"/etc/feedwatch.json: sites[0].types: expected a list of REST collection names, such as ["posts", "pages"], found a string"#,
            "/etc/feedwatch.json: sites[0].enabled: expected true or false, found a string",
        ])
    }

    @Test func everyProblemIsListedNotJustTheFirst() {
        let lines = problems(#"""
            {"sites": [
              {"url": "gopher://a.org/"},
              {"url": "https://b.org/", "timeout": "soon"},
              {"name": "bad name", "url": "https://c.org/"},
              {"url": "https://d.org/", "ignore": ["(unclosed"]}
            ], "notify": {}}
            """#)
        #expect(lines.count == 5)
        #expect(lines.contains { $0.hasPrefix("/etc/feedwatch.json: sites[0].url:") })
        #expect(lines.contains { $0.hasPrefix("/etc/feedwatch.json: sites[1].timeout:") })
        #expect(lines.contains { $0.hasPrefix("/etc/feedwatch.json: sites[2].name:") })
        #expect(lines.contains { $0.hasPrefix("/etc/feedwatch.json: sites[3].ignore[0]:") })
        #expect(lines.contains { $0 == "/etc/feedwatch.json: notify: expected a list of channels, found an object" })
    }

    @Test func aCAFileIsTakenFromDefaultsOrTheSiteAndMustBeAReadablePEMFile() throws {
        let directory = try TemporaryDirectory()
        let ca = try directory.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        let notPEM = try directory.write("ca.der", "0\u{82}\u{01}")
        let configuration = try ConfigurationLoader.parse(Array("""
            {"defaults": {"caFile": "\(ca)"},
             "sites": [{"url": "https://intra.example.org/"}, {"url": "https://b.example.org/", "caFile": "\(ca)"}]}
            """.utf8), source: "test.json")
        #expect(configuration.sites.map(\.caFile) == [ca, ca])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "caFile": "ca.pem"}]}"#)
            == [#"/etc/feedwatch.json: sites[0].caFile: expected the absolute path of a PEM file of CA certificates, found "ca.pem""#])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "caFile": "/nonexistent/ca.pem"}]}"#)
            == [#"/etc/feedwatch.json: sites[0].caFile: "/nonexistent/ca.pem": cannot read the file: No such file or directory"#])
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "caFile": "\#(notPEM)"}]}"#)
            == [#"/etc/feedwatch.json: sites[0].caFile: "\#(notPEM)": holds no PEM certificate (-----BEGIN CERTIFICATE-----)"#])
    }

    @Test func credentialsInTheURLAreRefused() {
        #expect(problems(#"{"sites": [{"url": "https://me:secret@a.org/"}]}"#).first?.contains("contains credentials") == true)
    }

    @Test func syntaxErrorGivesLineAndColumn() {
        #expect(problems("{\"sites\": [\n  {\"url\": \"https://a.org/\",}\n]}")
            == ["/etc/feedwatch.json: not valid JSON: line 2, column 28: expected a quoted key"])
    }

    @Test func repeatedKeyIsAProblem() {
        #expect(problems(#"{"sites": [{"url": "https://a.org/", "url": "https://b.org/"}]}"#)
            == ["/etc/feedwatch.json: sites[0].url: appears more than once; keep one"])
    }

    @Test func missingFileSaysWhy() {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: "/nonexistent/feedwatch.json") }
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/feedwatch.json")
        } catch {
            #expect(error.description == "/nonexistent/feedwatch.json: cannot read the file: No such file or directory")
        }
    }

    @Test(arguments: [("45s", 45), ("5m", 300), ("2h", 7200), ("1d", 86_400)])
    func durationsParse(text: String, seconds: Int64) {
        #expect(DurationText.parse(text) == .seconds(seconds))
    }

    @Test(arguments: ["", "5", "m", "5 m", "-5s", "1.5h", "5min", "٣s"])
    func nonDurationsAreRejected(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func databasePathFollowsStateDirectory() {
        #expect(Configuration.defaultDatabasePath(environment: ["STATE_DIRECTORY": "/var/lib/feedwatch:/other"])
            == "/var/lib/feedwatch/feedwatch.db")
        #expect(Configuration.defaultDatabasePath(environment: [:]) == "/var/lib/feedwatch/feedwatch.db")
        #expect(Configuration.defaultDatabasePath(environment: ["STATE_DIRECTORY": "/run/x"]) == "/run/x/feedwatch.db")
    }
}
