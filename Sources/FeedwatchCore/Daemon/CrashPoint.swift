#if canImport(Glibc)
import Glibc
#endif

/// Named places where the crash tests make the process abort, as a crash or
/// `kill -9` would, to prove that nothing is lost or reported twice across a
/// restart. Armed only by `FEEDWATCH_TEST_CRASH_AT=<name>` in the environment;
/// otherwise reaching one costs a comparison.
public enum CrashPoint: String, Sendable {
    /// Events are committed with their versions; none is in the journal yet.
    case afterCommit = "after-commit"
    /// One event is in the journal, not yet marked as reported.
    case afterEmit = "after-emit"
    /// The second page of a site's first sync is committed; the rest is not fetched.
    case midBaseline = "mid-baseline"

    private static let armed: CrashPoint? = getenv("FEEDWATCH_TEST_CRASH_AT").flatMap { CrashPoint(rawValue: String(cString: $0)) }

    func reach() {
        if Self.armed == self { abort() }
    }
}
