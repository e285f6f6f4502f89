#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// WordPress's `modified_gmt` times: UTC, whole seconds, no zone designator
/// (`2025-08-19T09:41:13`), which sort as text in time order.
public enum WordPressTime {
    public static func date(fromGMT text: String) -> Date? {
        try? Date(text + "Z", strategy: .iso8601)
    }

    /// A `modified_after` value: the time with an explicit UTC offset, because
    /// WordPress reads a time without one as the site's local time.
    public static func queryValue(_ date: Date) -> String {
        String(date.ISO8601Format().dropLast()) + "+00:00"
    }

    public static func gmt(_ date: Date) -> String {
        String(date.ISO8601Format().dropLast())
    }
}
