import Testing

/// The scenarios of issue 10 against a real WordPress 6.1 (Debian's
/// packages), started once for all of them (`RealWordPressTrait`) and run one
/// after the other, as each changes the site. Each scenario watches the site
/// with a database and site names of its own, so it sees only what its own
/// change caused. docs/real-wordpress.md tells how it works.
@Suite(.serialized, .realWordPress) struct RealWordPressTests {
    /// The running WordPress; the suite's trait started it.
    static func wordpress() throws -> RealWordPress {
        try #require(RealWordPress.current, "the real WordPress is started by the suite's .realWordPress trait")
    }
}
