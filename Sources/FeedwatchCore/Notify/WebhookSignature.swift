import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs a webhook body so that its receiver can check it came from this
/// feedwatch and is not a replay:
///
///     X-Feedwatch-Timestamp: <Unix time in seconds>
///     X-Feedwatch-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>
///
/// The receiver recomputes the HMAC over the timestamp header, a dot and the
/// raw body with the shared secret, compares in constant time, and rejects
/// timestamps more than a few minutes old.
public struct WebhookSignature: Sendable {
    public static let timestampHeader = "X-Feedwatch-Timestamp"
    public static let signatureHeader = "X-Feedwatch-Signature"

    private let secret: [UInt8]

    /// - Parameter secret: the contents of `secretFile`; one trailing newline,
    ///   as editors leave it, is not part of the secret.
    public init(secret: [UInt8]) {
        var bytes = secret
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        self.secret = bytes
    }

    /// The two headers for `body` sent at `time`.
    public func headers(for body: [UInt8], at time: Date) -> [(name: String, value: String)] {
        let timestamp = String(Int64(time.timeIntervalSince1970))
        return [(Self.timestampHeader, timestamp), (Self.signatureHeader, "sha256=" + signature(body, timestamp: timestamp))]
    }

    func signature(_ body: [UInt8], timestamp: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((timestamp + ".").utf8) + body, using: SymmetricKey(data: secret))
        return mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
