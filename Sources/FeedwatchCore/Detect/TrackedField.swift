/// The fields of a post whose changes feedwatch reports (SPEC §4), in the fixed
/// order used for hashing and for `FEEDWATCH_CHANGED_FIELDS`.
public enum TrackedField: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable, Comparable {
    case title, content, excerpt, status, slug, link, author, categories, tags
    case featuredMedia = "featured_media"

    /// Fields holding rendered HTML, whose whitespace is folded before hashing.
    public var isRenderedHTML: Bool { self == .title || self == .content || self == .excerpt }

    public static func < (lhs: TrackedField, rhs: TrackedField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
