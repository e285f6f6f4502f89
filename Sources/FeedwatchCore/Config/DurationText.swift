/// Durations as the configuration writes them: `"45s"`, `"5m"`, `"2h"`, `"1d"`,
/// or a whole number of seconds.
public enum DurationText {
    public static let example = "(e.g. \"5m\", \"90s\")"

    public static func parse(_ text: String) -> Duration? {
        guard let unit = text.last else { return nil }
        let multiplier: Int64
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        default: return nil
        }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let count = Int64(digits), count <= Int64.max / multiplier / 1000
        else { return nil }
        return .seconds(count * multiplier)
    }

    /// The shortest exact text for a duration, for messages: `300 s` becomes `"5m"`.
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)] where seconds >= size && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}
