import Testing
import TestSupport

@Suite(.onceForBothBackends) struct CheckCommandTests {
    @Test(arguments: [
        (#"{"sites": [{"url": "https://a.org/", "interval": "5 minutes"}]}"#,
         #"sites[0].interval: "5 minutes" is not a duration (e.g. "5m", "90s")"#),
        (#"{"sites": [{"url": "ftp://a.org/"}]}"#,
         #"sites[0].url: "ftp://a.org/" must be an http or https address"#),
        (#"{"sites": [{"name": "x", "url": "https://a.org/"}, {"name": "x", "url": "https://b.org/"}]}"#,
         #"sites[1].name: "x" is already the name of sites[0]; give each site its own "name""#),
        (#"{"sites": [{"url": "https://a.org/", "timout": "30s"}]}"#,
         #"sites[0].timout: unknown key (did you mean "timeout"?)"#),
        (#"{"sites": [{"url": "https://a.org/", "types": "posts"}]}"#,
         #"sites[0].types: expected a list of REST collection names, such as ["posts", "pages"], found a string"#),
        (#"{"sites": {"url": "https://a.org/"}}"#,
         "sites: expected a list of sites, found an object"),
    ])
    func brokenFileGivesItsLineAndExit78(json: String, expected: String) throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("feedwatch.json", json)
        let result = try Binary.run(["check", "--config", file])
        #expect(result.status == 78)
        #expect(result.stderr == "\(file): \(expected)\n")
    }

    @Test func everyProblemOfOneFileIsListed() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("feedwatch.json", #"""
            {"defaults": {"interval": "2 hours"},
             "sites": [{"url": "ftp://a.org/"}, {"url": "https://b.org/", "enabled": 1}]}
            """#)
        let result = try Binary.run(["check", "--config", file])
        #expect(result.status == 78)
        #expect(result.stderr.split(separator: "\n").count == 3)
    }

    @Test func validFileExitsZero() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("feedwatch.json", #"{"sites": [{"url": "https://www.europesays.com/uk/", "interval": "2m"}]}"#)
        let result = try Binary.run(["check", "--config", file])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OK, 1 sites"))
    }

    @Test func configPathComesFromTheEnvironmentToo() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("env.json", #"{"sites": [], "bogus": 1}"#)
        let result = try Binary.run(["check"], environment: ["FEEDWATCH_CONFIG": file])
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("\(file): bogus: unknown key"))
    }

    @Test func shippedExampleConfigIsValid() throws {
        let example = Fixture.repository
            .appendingPathComponent("etc/feedwatch.json").path
        let result = try Binary.run(["check", "--config", example])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func unknownOptionIsAUsageError() throws {
        #expect(try Binary.run(["poll", "--bogus"]).status == 64)
    }
}
