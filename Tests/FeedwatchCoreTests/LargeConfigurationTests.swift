import FeedwatchCore
import Testing
import TestSupport

/// Configurations at the scale of issue 11: 100,000 sites.
@Suite struct LargeConfigurationTests {
    private static func siteList(count: Int) -> String {
        let sites = (0..<count).map { index in
            #"{"name": "large-\#(index)", "url": "https://blog-\#(index).example.org/", "types": ["posts", "pages"]}"#
        }
        return #"{"defaults": {"interval": "5m"}, "sites": [\#n"# + sites.joined(separator: ",\n") + "\n]}\n"
    }

    @Test func aFileOfOneHundredThousandSitesLoads() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("feedwatch.json", Self.siteList(count: 100_000))
        let configuration = try ConfigurationLoader.load(path: path)
        #expect(configuration.sites.count == 100_000)
        #expect(configuration.sites.last?.name == "large-99999")
        #expect(configuration.sites.last?.types == ["posts", "pages"])
        #expect(configuration.concurrency == 1000, "333 sites a second fall due: 1,000 syncs under way at once")
    }

    @Test func aFileOverTheSizeCapIsRefusedWithTheCapNamed() throws {
        let directory = try TemporaryDirectory()
        // 65 MiB of a valid-looking document: only its size is wrong.
        let path = try directory.write("huge.json", #"{"sites": []"# + String(repeating: " ", count: 65 << 20) + "}")
        #expect {
            try ConfigurationLoader.load(path: path)
        } throws: { error in
            (error as? ConfigurationError)?.lines == [
                "\(path): larger than the 64 MiB feedwatch reads of such a file; is this the right file?",
            ]
        }
    }
}

@Suite struct SyncConcurrencyTests {
    private static func sites(_ count: Int, every interval: Duration, enabled: Bool = true) -> [SiteConfiguration] {
        (0..<count).map { SiteConfiguration(name: "s\($0)", url: "https://s\($0).example/", interval: interval, enabled: enabled) }
    }

    @Test func aFewSitesGetTheMinimum() {
        #expect(SyncConcurrency.automatic(for: []) == SyncConcurrency.minimum)
        #expect(SyncConcurrency.automatic(for: Self.sites(1000, every: .seconds(300))) == 16)
    }

    @Test func manySitesGetEnoughForTheirIntervals() {
        // 20,000 sites a minute apart fall due at 333 a second, as 100,000 at five minutes.
        #expect(SyncConcurrency.automatic(for: Self.sites(20_000, every: .seconds(60))) == 1000)
        #expect(SyncConcurrency.automatic(for: Self.sites(100_000, every: .seconds(300))) == 1000)
        #expect(SyncConcurrency.automatic(for: Self.sites(10_000, every: .seconds(300))) == 100)
        #expect(SyncConcurrency.automatic(for: Self.sites(1_000_000, every: .seconds(300))) == SyncConcurrency.maximum)
    }

    @Test func disabledSitesDoNotCount() {
        let sites = Self.sites(10_000, every: .seconds(300)) + Self.sites(90_000, every: .seconds(300), enabled: false)
        #expect(SyncConcurrency.automatic(for: sites) == 100)
    }

    @Test func theConfiguredConcurrencyCapsTheAutomaticOne() throws {
        let configuration = Configuration(source: "test", sites: Self.sites(100_000, every: .seconds(300)), concurrencyLimit: 200)
        #expect(configuration.concurrency == 200)
        let small = Configuration(source: "test", sites: Self.sites(10, every: .seconds(300)), concurrencyLimit: 200)
        #expect(small.concurrency == 16, "a limit is not a target")
    }
}
