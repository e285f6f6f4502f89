#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The scheme, host and port of a URL (RFC 6454): what decides whether a
/// request goes to the same server as another. Host names compare without
/// regard to case and an explicit default port (`:443` for https, `:80` for
/// http) is the same as none, so `https://Example.org:443/` and
/// `https://example.org/wp-json/` share one origin.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    /// `nil` for anything but an absolute http or https URL with a host.
    public init?(url: String) {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // "example.org." names the same host as "example.org".
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
    }

    /// `https://example.org`, with the port only when it is not the scheme's default.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let isDefaultPort = port == (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(shownHost)\(isDefaultPort ? "" : ":\(port)")"
    }

    /// The origin of `url`, or the URL itself when it has none, for messages.
    static func describe(_ url: String) -> String {
        Origin(url: url)?.description ?? url
    }
}
