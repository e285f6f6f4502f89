/// A fake site's permalink setting, which decides where WordPress answers REST requests.
public enum FakePermalinks: Sendable {
    /// "Post name" permalinks: the API lives under `/wp-json/`.
    case pretty
    /// "Plain" permalinks, i.e. no rewrite rules: `/wp-json/` is a 404 page and the API is reached
    /// through `index.php?rest_route=/…` (or `/?rest_route=/…`).
    case plain
}
