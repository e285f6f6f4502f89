/// How long a failing site waits before its next sync: its interval doubled
/// for each failure in a row, up to a cap, with jitter so that sites that
/// failed together (a shared host went down) do not all retry together; never
/// sooner than the server's `Retry-After`.
public enum Backoff {
    /// The longest wait between retries, unless the interval itself is longer.
    public static let cap = Duration.seconds(3600)

    /// - Parameter jitter: a number in 0..<1, random in production.
    public static func delay(
        failures: Int, interval: Duration, retryAfter: Duration?, jitter: Double = Double.random(in: 0..<1)
    ) -> Duration {
        let doubled = interval * Double(1 << min(max(failures - 1, 0), 16))
        let ceiling = max(cap, interval)
        let backoff = min(doubled, ceiling) * (0.5 + 0.5 * jitter)
        return max(backoff, retryAfter ?? .zero)
    }
}
