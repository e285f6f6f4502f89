@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// The built-in rules against `content.rendered` exactly as a real WordPress 6.1 served it
/// (`Tests/Fixtures/wordpress-6.1`, recorded by `RealWordPressTests`): what WordPress derives
/// differs between two responses, what the author wrote does not, so the hashes must agree;
/// a real edit must not.
@Suite struct RealOutputTests {
    private static let directory = Fixture.repository.appendingPathComponent("Tests/Fixtures/wordpress-6.1")
    private let normalizer = ContentNormalizer(ignorePatterns: [])

    private static func files(in scenario: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(scenario).path))?.sorted() ?? []
    }

    private func normalized(_ scenario: String, _ file: String) throws -> (raw: String, normalized: String) {
        let raw = try String(contentsOf: Self.directory.appendingPathComponent(scenario).appendingPathComponent(file), encoding: .utf8)
        return (raw, normalizer.normalize(raw, field: .content))
    }

    /// Each post in the full listing (after other posts in the same response) and fetched alone
    /// by id: counters, the request URL it echoes, `wpautop()`'s filter order all differ.
    static let listedPosts = files(in: "listing-and-single").filter { $0.hasSuffix(".listing.html") }
        .map { String($0.dropLast(".listing.html".count)) }

    @Test(arguments: listedPosts)
    func aPostListedAndFetchedAloneHashesTheSame(_ post: String) throws {
        let listed = try normalized("listing-and-single", "\(post).listing.html")
        let alone = try normalized("listing-and-single", "\(post).single.html")
        #expect(listed.normalized == alone.normalized)
    }

    /// Another post unpublished, restored, trashed or published, or `date_format` and the
    /// timezone changed: every post that was not edited hashes as before. (The post that left or
    /// came back itself is recorded as empty where an anonymous listing does not show it.)
    static let sideEffects = ["unpublish-counter-victim", "restore-counter-victim", "trash-trash-victim",
                              "publish-new-post", "date-format-and-timezone"]

    @Test(arguments: sideEffects)
    func whatAnotherPostOrASettingChangesIsNoEdit(_ scenario: String) throws {
        let befores = Self.files(in: scenario).filter { $0.hasSuffix(".before.html") }
        #expect(!befores.isEmpty, "no fixtures for \(scenario)")
        var rawDifferences = 0
        for before in befores {
            let after = String(before.dropLast(".before.html".count)) + ".after.html"
            let old = try normalized(scenario, before)
            let new = try normalized(scenario, after)
            // The post that was unpublished, trashed or restored itself: not in one of the listings.
            if old.raw.isEmpty || new.raw.isEmpty { continue }
            if old.raw != new.raw { rawDifferences += 1 }
            #expect(old.normalized == new.normalized, "\(scenario)/\(before)")
        }
        #expect(rawDifferences > 0, "WordPress's output changed somewhere in \(scenario)")
    }

    @Test func aRealEditOfAShortcodePostStillCounts() throws {
        for view in ["listing", "single"] {
            let before = try normalized("edit-shortcode-post", "shortcodes.\(view).before.html")
            let after = try normalized("edit-shortcode-post", "shortcodes.\(view).after.html")
            #expect(before.normalized != after.normalized, "\(view)")
        }
    }
}
