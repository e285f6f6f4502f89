#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Site names (`[A-Za-z0-9._-]+`) and REST collection names.
public enum SiteName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { isNameByte($0) }
    }

    static func isRESTBase(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }

    /// A name from the host and path: `https://www.europesays.com/uk/` becomes `europesays.com-uk`.
    public static func derived(fromURL url: String) -> String {
        guard let components = URLComponents(string: url), var host = components.host?.lowercased() else { return "site" }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var parts = [host]
        if let port = components.port { parts.append(String(port)) }
        parts += components.path.split(separator: "/").map(String.init)
        let joined = parts.joined(separator: "-")
        return String(String.UnicodeScalarView(joined.unicodeScalars.map {
            $0.isASCII && isNameByte(UInt8($0.value)) ? $0 : "-"
        }))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
