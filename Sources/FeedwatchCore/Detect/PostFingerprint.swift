import Crypto

/// SHA-256 hashes of a post's normalized tracked fields, one per field and one
/// for the whole, so a change can be named field by field.
public struct PostFingerprint: Sendable, Equatable, Codable {
    public var hash: String
    public var fieldHashes: [TrackedField: String]

    public init(hash: String, fieldHashes: [TrackedField: String]) {
        self.hash = hash
        self.fieldHashes = fieldHashes
    }

    /// - Parameter usingRaw: hash the author's text where the snapshot has it
    ///   (an authenticated fetch); `false` hashes the rendered fields only, to
    ///   compare with a version stored before feedwatch kept the raw text.
    public init(_ snapshot: PostSnapshot, normalizer: ContentNormalizer, usingRaw: Bool = true) {
        var whole = SHA256()
        var fieldHashes: [TrackedField: String] = [:]
        for field in TrackedField.allCases {
            let value = if usingRaw, let raw = snapshot.raw[field] {
                normalizer.normalizedRawUTF8(raw)
            } else {
                normalizer.normalizedUTF8(snapshot[field], field: field)
            }
            fieldHashes[field] = Self.hex(SHA256.hash(data: value))
            // name, NUL, value, NUL: no two different posts share a byte stream.
            whole.update(data: Array(field.rawValue.utf8) + [0])
            whole.update(data: value)
            whole.update(data: [0])
        }
        self.init(hash: Self.hex(whole.finalize()), fieldHashes: fieldHashes)
    }

    /// The fields whose hashes differ from `previous`, in tracked-field order.
    public func changedFields(since previous: PostFingerprint) -> [TrackedField] {
        TrackedField.allCases.filter { fieldHashes[$0] != previous.fieldHashes[$0] }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
