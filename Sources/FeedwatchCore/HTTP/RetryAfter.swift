#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `Retry-After` header: a number of seconds, or an HTTP date (RFC 9110).
public enum RetryAfter {
    /// Waits longer than a day are taken as a day: a misconfigured server must
    /// not silence a site for weeks.
    public static let maximum = Duration.seconds(86_400)

    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingWhitespace()
        if let seconds = Int64(text), seconds >= 0 { return min(.seconds(seconds), maximum) }
        guard let date = httpDate(text) else { return nil }
        let wait = date.timeIntervalSince(now)
        return min(.seconds(max(0, Int64(wait.rounded(.up)))), maximum)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, the only date form servers must send.
    static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
              let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: DateComponents(year: year, month: month + 1, day: day,
                                                  hour: clock[0], minute: clock[1], second: clock[2]))
    }
}
