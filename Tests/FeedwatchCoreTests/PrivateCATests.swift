import FeedwatchCore
import Logging
import Testing
import TestSupport

/// A site served over https by nginx with a certificate from a private CA, as an
/// intranet is: synced through the whole engine once the site names its CA.
@Suite struct PrivateCATests {
    @Test func aSiteBehindAPrivateCAIsSyncedOnceItsCAFileIsNamed() async throws {
        let directory = try TemporaryDirectory()
        let farm = try NginxFarm(directory: directory.path)
        defer { farm.stop() }
        let url = farm.url(site: 1, https: true)
        let trusting = SiteConfiguration(name: uniqueSiteName("private-ca"), url: url, caFile: farm.caFile)
        let untrusting = SiteConfiguration(name: uniqueSiteName("system-ca"), url: url)
        let engine = try Engine(configuration: Configuration(source: "test", sites: [trusting, untrusting]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let first = await engine.syncer(for: trusting).sync()
        #expect(first.error == nil, "\(first.error ?? "")")
        #expect(first.events.map(\.kind) == [.baseline])
        let quiet = await engine.syncer(for: trusting).sync()
        #expect(quiet.error == nil && quiet.events.isEmpty, "\(quiet)")
        let refused = await engine.syncer(for: untrusting).sync()
        #expect(refused.error?.contains("TLS failed, the certificate was not accepted") == true, "\(refused.error ?? "")")
        await engine.shutdown()
    }
}
