import Foundation

/// One parsed HTTP/1.x request.
struct HTTPRequest: Sendable {
    let method: String
    /// The request target as sent (origin form, or absolute form from a proxy-minded client).
    let target: String
    /// `true` for HTTP/1.0, which closes after each response unless asked to keep alive.
    let isHTTP10: Bool
    /// Header fields in arrival order, names lowercased, values trimmed.
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    var keepAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens.contains("close") { return false }
        return !isHTTP10 || tokens.contains("keep-alive")
    }

    /// The path of an origin-form target, or of an absolute-form one with scheme and authority removed.
    var rawPath: String {
        var target = Substring(self.target)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if target.hasPrefix("http://") || target.hasPrefix("https://"),
           let schemeEnd = target.range(of: "://") {
            let afterAuthority = target[schemeEnd.upperBound...]
            target = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        return String(target.prefix { $0 != "?" })
    }

    /// The query string without `?`, empty when there is none.
    var rawQuery: String {
        var target = Substring(self.target)
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return String(target[target.index(after: mark)...])
    }
}
