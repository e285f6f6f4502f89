/// How a version's fields and hashes are written to the database: the hashes
/// as one comma-separated list in tracked-field order, the fields as a JSON
/// object. Hand-written because this runs for every stored version, where
/// `JSONEncoder` over a dictionary was a tenth of a first sync's CPU.
enum SnapshotCoding {
    static func encode(_ hashes: [TrackedField: String]) -> String {
        TrackedField.allCases.map { hashes[$0] ?? "" }.joined(separator: ",")
    }

    static func decodeHashes(_ text: String) -> [TrackedField: String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var hashes: [TrackedField: String] = [:]
        for (field, hash) in zip(TrackedField.allCases, parts) { hashes[field] = String(hash) }
        return hashes
    }

    /// `{"title":"…","content":"…",…}` in tracked-field order.
    static func encode(_ snapshot: PostSnapshot) -> String {
        var output: [UInt8] = [UInt8(ascii: "{")]
        for (index, field) in TrackedField.allCases.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendString(field.rawValue, to: &output)
            output.append(UInt8(ascii: ":"))
            appendString(snapshot[field], to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendString(_ text: String, to output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
