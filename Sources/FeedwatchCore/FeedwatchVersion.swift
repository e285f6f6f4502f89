/// The version feedwatch reports in `--version` and its `User-Agent`.
public enum FeedwatchVersion {
    public static let string = "0.1.0"
    public static let userAgent = "feedwatch/\(string)"
}
