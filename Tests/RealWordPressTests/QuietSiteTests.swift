import Foundation
import Testing
import TestSupport

extension RealWordPressTests {
    @Suite struct QuietSite {
        @Test func harnessServesItsOwnConfigurationAndAcceptsTheApplicationPassword() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let root = try #require(try JSONSerialization.jsonObject(with: wordpress.rest("")) as? [String: Any])
            #expect(root["name"] as? String == "feedwatch real WordPress")
            #expect(root["url"] as? String == wordpress.layout.home)
            // Debian's wp-config.php would have looked in /etc/wordpress: nothing is written there.
            let etc = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/wordpress")) ?? []
            #expect(etc.filter { $0.hasPrefix("config-") }.isEmpty, "\(etc)")
            let block = try #require(wordpress.ids["block"])
            let edited = try #require(try JSONSerialization.jsonObject(
                with: wordpress.rest("wp/v2/posts/\(block)?context=edit", authenticated: true)) as? [String: Any])
            let raw = (edited["content"] as? [String: Any])?["raw"] as? String
            #expect(raw?.contains("<!-- wp:paragraph -->") == true, "content.raw over plain http to a local environment")
        }

        @Test func repeatedFullPollsOfAnUntouchedSiteReportNothing() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "quiet")
            let first = try watch.poll()
            for site in watch.sites {
                #expect(try watch.newEvents(site).map(\.kind) == ["baseline"], "\(site)")
            }
            let fixtures = try RenderedFixtures.take(wordpress)
            try RenderedFixtures.save("listing-and-single", before: fixtures, after: fixtures, ids: wordpress.ids, always: true)
            var times = [first]
            for round in 1...3 {
                times.append(try watch.poll())
                for site in watch.sites {
                    let events = try watch.newEvents(site)
                    let report = watch.report(events, wanted: [], site: site)
                    #expect(events.isEmpty, "full poll \(round) of an untouched site, \(site):\n\(report)")
                }
            }
            print("poll --full of both sites: " + times.map { String(format: "%.1f s", $0) }.joined(separator: ", "))
        }
    }
}
