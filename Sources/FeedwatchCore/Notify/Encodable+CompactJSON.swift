#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Encodable {
    /// Compact JSON with sorted keys, so equal values are equal bytes. For the
    /// documents feedwatch sends, whose members are strings, numbers and lists
    /// or objects of those: encoding them cannot fail.
    func compactJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? []
    }
}
