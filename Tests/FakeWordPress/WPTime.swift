import Foundation

/// Date arithmetic the way WordPress sees time.
///
/// WordPress stores wall-clock `Y-m-d H:i:s` values without a zone: `post_modified` in the site's
/// local time and `post_modified_gmt` in UTC. Both are modelled here as whole seconds since
/// 1970-01-01 00:00:00 *of that wall clock*, so local and GMT values are plain integers and the
/// site's offset converts between them.
enum WPTime {
    /// Whole seconds since the epoch, as WordPress keeps no fractions.
    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    static func now() -> Int64 { seconds(Date()) }

    /// `mysql_to_rfc3339`: `2025-08-19T09:41:13`, no fraction and no zone designator.
    static func rfc3339(_ seconds: Int64) -> String {
        let (year, month, day, hour, minute, second) = components(seconds)
        return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))"
    }

    /// The IMF-fixdate of an HTTP `Date` header.
    static func httpDate(_ seconds: Int64) -> String {
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let (year, month, day, hour, minute, second) = components(seconds)
        let weekday = weekdays[Int(((seconds.floorDivided(by: 86_400) % 7) + 7) % 7)]
        return "\(weekday), \(pad(day)) \(months[month - 1]) \(pad(year, 4)) \(pad(hour)):\(pad(minute)):\(pad(second)) GMT"
    }

    /// A date accepted by `rest_parse_date`, split into its wall clock and its UTC offset (if any).
    struct ParsedDate: Equatable {
        let wallClock: Int64
        let offsetSeconds: Int?
    }

    /// `rest_parse_date`: WordPress's regex
    /// `^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::\d{2})?)?$`, then
    /// `strtotime`, which rejects impossible fields but rolls day 31 of a short month over.
    static func parseRESTDate(_ text: String) -> ParsedDate? {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for byte in chars[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard chars.count >= 19, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(chars[10]),
              chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            let digitsStart = index + 1
            index = digitsStart
            while index < chars.count, (0x30...0x39).contains(chars[index]) { index += 1 }
            guard index > digitsStart else { return nil }
        }
        var offset: Int?
        if index < chars.count {
            switch chars[index] {
            case UInt8(ascii: "Z"):
                offset = 0
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
                guard let hours = number(index + 1..<index + 3) else { return nil }
                index += 3
                var minutes = 0
                if index < chars.count {
                    guard chars[index] == UInt8(ascii: ":"), let parsed = number(index + 1..<index + 3) else { return nil }
                    minutes = parsed
                    index += 3
                }
                offset = sign * (hours * 3600 + minutes * 60)
            default:
                return nil
            }
        }
        guard index == chars.count, (1...12).contains(month), (1...31).contains(day),
              hour <= 24, minute <= 59, second <= 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: 1) + Int64(day - 1)
        let wallClock = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return ParsedDate(wallClock: wallClock, offsetSeconds: offset)
    }

    /// Parses WordPress's own `2025-08-19T09:41:13` rendering back into wall-clock seconds.
    static func parseWallClock(_ text: String) -> Int64? {
        guard let parsed = parseRESTDate(text), parsed.offsetSeconds == nil else { return nil }
        return parsed.wallClock
    }

    // MARK: - Civil calendar (Howard Hinnant's algorithms, proleptic Gregorian)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func components(_ seconds: Int64) -> (Int, Int, Int, Int, Int, Int) {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String { String(value).leftPadded(to: width) }
}

extension Int64 {
    /// Division rounding towards negative infinity, for dates before 1970.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
