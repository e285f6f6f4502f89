#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// This machine's own addresses, where plain http exposes nothing to a network.
public enum Loopback {
    /// Whether `url`'s host is this machine: `localhost`, `::1`, or an IPv4
    /// literal in 127.0.0.0/8 (not a host name that merely starts with "127.").
    public static func isHost(of url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
