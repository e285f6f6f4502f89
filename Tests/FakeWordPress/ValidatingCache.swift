import Foundation

/// A CDN or caching plugin in front of WordPress that adds validators to REST responses and
/// answers conditional requests (`FakeSite.sendsValidators`). Core WordPress sends neither
/// `ETag` nor `Last-Modified` on REST responses and ignores `If-None-Match`/`If-Modified-Since`.
///
/// Only a complete `200` JSON answer to `GET`/`HEAD` gets validators: a strong `ETag` derived from
/// the body bytes and a `Last-Modified` from the newest `modified_gmt` of the posts it carries (the
/// site's newest otherwise). A request whose `If-None-Match` matches (weak comparison, `*`
/// included), or, without `If-None-Match`, whose `If-Modified-Since` is not older than
/// `Last-Modified`, gets `304 Not Modified` with the validators, the caching headers and no body
/// (RFC 9110 §13.1).
struct ValidatingCache {
    func respond(to method: String, headers: [(name: String, value: String)], with response: HTTPResponse) -> HTTPResponse {
        guard method == "GET" || method == "HEAD", response.status == 200, response.delivery == .complete,
              response.headers.contains(where: { $0.name == "Content-Type" && $0.value.hasPrefix("application/json") }),
              let lastModified = response.lastModified
        else { return response }
        let etag = "\"" + Self.hex(Self.fnv1a(response.body)) + "-" + String(response.body.count, radix: 16) + "\""
        let validators = [(name: "ETag", value: etag), (name: "Last-Modified", value: WPTime.httpDate(lastModified))]
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

        let notModified: Bool
        if let candidates = header("if-none-match") {
            notModified = candidates.split(separator: ",").contains { candidate in
                let tag = candidate.trimmingCharacters(in: .whitespaces)
                return tag == "*" || (tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag) == etag
            }
        } else if let since = header("if-modified-since").flatMap(Self.parseHTTPDate) {
            notModified = lastModified <= since
        } else {
            notModified = false
        }
        guard notModified else {
            var fresh = response
            fresh.headers += validators
            return fresh
        }
        let kept: Set = ["Cache-Control", "Expires", "Vary"]
        var unchanged = HTTPResponse(status: 304, headers: response.headers.filter { kept.contains($0.name) } + validators)
        unchanged.onAnswered = response.onAnswered
        return unchanged
    }

    /// 64-bit FNV-1a: enough to tell bodies apart, and needs no crypto library.
    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    private static func hex(_ value: UInt64) -> String { String(value, radix: 16).leftPadded(to: 16) }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form senders may generate;
    /// anything else is ignored, as RFC 9110 tells a recipient to do with an invalid date.
    static func parseHTTPDate(_ text: String) -> Int64? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
              let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
              (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = WPTime.daysFromCivil(year: year, month: month + 1, day: day)
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
