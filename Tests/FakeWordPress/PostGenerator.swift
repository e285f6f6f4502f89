/// Deterministic, news-like posts for volume tests: distinct titles, slugs and content, spread
/// over past dates, some modified after publication, with categories, tags and featured images.
///
/// The same seed and post number always give the same title and content, so failures reproduce;
/// dates are relative to the time of the call.
struct PostGenerator {
    private static let subjects = [
        "City council", "Regional court", "Central bank", "Harbour authority", "University hospital",
        "Transport ministry", "Energy regulator", "Football federation", "National archive", "Climate panel",
        "Teachers' union", "Space agency",
    ]
    private static let actions = [
        "approves", "delays", "rejects", "reviews", "expands", "funds", "questions", "unveils", "scraps",
        "defends", "extends", "revises",
    ]
    private static let objects = [
        "cycling plan", "budget for 2026", "night train route", "housing reform", "data-sharing deal",
        "flood defences", "museum renovation", "wind farm tender", "school meal scheme", "port expansion",
        "tram extension", "digital ID rollout",
    ]
    private static let places = [
        "Ghent", "Lyon", "Porto", "Gdańsk", "Aarhus", "Bilbao", "Turin", "Leipzig", "Tartu", "Cork",
        "Ljubljana", "Brno",
    ]
    private static let sentences = [
        "Officials said the decision followed months of consultation with residents and businesses.",
        "Critics argue the timetable is unrealistic and the costs have been underestimated.",
        "The proposal will now go to a committee, which is expected to report before the summer.",
        "Local groups welcomed the move but said they would watch closely how it is carried out.",
        "According to documents seen by reporters, the plan had been revised at least three times.",
        "A spokesperson declined to say when the first results would be published.",
        "Opposition members called for an independent review before any money is committed.",
        "Similar schemes elsewhere have had mixed results, experts told the hearing.",
        "The vote passed narrowly after a debate that lasted well into the evening.",
        "Residents will be able to comment on the details during a six-week consultation.",
    ]
    private static let categories: [PostFactory.Spec.Term] = [
        .init(id: 1, slug: "uncategorized"), .init(id: 2, slug: "news"), .init(id: 3, slug: "politics"),
        .init(id: 4, slug: "economy"), .init(id: 5, slug: "culture"),
    ]
    private static let tags: [PostFactory.Spec.Term] = [
        .init(id: 10, slug: "analysis"), .init(id: 11, slug: "europe"), .init(id: 12, slug: "transport"),
        .init(id: 13, slug: "housing"), .init(id: 14, slug: "energy"),
    ]

    private var random: SplitMix64

    init(seed: String) {
        // FNV-1a, so that the seed does not depend on Swift's per-process hash randomization.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        random = SplitMix64(state: hash)
    }

    /// Post `number` (0-based) of a batch of `count`, published about `count - number` hours before `now`.
    mutating func spec(id: Int, number: Int, count: Int, now: Int64) -> PostFactory.Spec {
        let title = Self.title(for: id)
        let paragraphs = (0..<(3 + Int(random.next() % 3))).map { paragraph in
            let lead = paragraph == 0 ? "\(title) (report \(id)). " : ""
            return lead + (0..<3).map { _ in pick(Self.sentences) }.joined(separator: " ")
        }
        let published = now - Int64(count - number) * 3600 - Int64(random.next() % 1800)
        // Edited a minute ago at the latest: a generated site has settled, and a post saved in
        // the last seconds would be fetched again by the next poll of a client that knows
        // `modified_gmt` has whole seconds. Tests that want a fresh save make one.
        let edited = random.next() % 3 == 0 ? min(now - 60, published + Int64(600 + random.next() % 7200)) : published
        return PostFactory.Spec(
            id: id, title: title, content: paragraphs.joined(separator: "\n\n"),
            excerpt: number % 5 == 0 ? "A short summary of report \(id)." : "",
            dateGMT: published, modifiedGMT: edited, slug: WPFormatting.slug(title),
            author: 1 + Int(random.next() % 3),
            categories: [Self.categories[Int(random.next() % UInt64(Self.categories.count))]],
            tags: (0..<Int(random.next() % 3)).map { Self.tags[($0 + number) % Self.tags.count] },
            featuredMedia: random.next() % 2 == 0 ? 100_000 + id : 0)
    }

    /// A title unique per id: the id picks one of the 12⁴ combinations through a bijection
    /// (7919 is coprime with 12⁴), so neighbouring posts do not look alike.
    private static func title(for id: Int) -> String {
        let combinations = 12 * 12 * 12 * 12
        let k = (id % combinations) * 7919 % combinations
        let title = "\(subjects[k % 12]) \(actions[k / 12 % 12]) \(objects[k / 144 % 12]) in \(places[k / 1728 % 12])"
        return id < combinations ? title : title + " (part \(id / combinations + 1))"
    }

    private mutating func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }

    /// A tiny, fast, seedable generator (Vigna's SplitMix64); quality is ample for test data.
    private struct SplitMix64 {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}
