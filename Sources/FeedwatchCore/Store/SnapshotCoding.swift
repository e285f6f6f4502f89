/// How a post's field hashes are written to the database: one comma-separated
/// list in tracked-field order.
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
}
