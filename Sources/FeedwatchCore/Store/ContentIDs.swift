/// A version's `content_ids`, as both backends store it: its texts' `content`
/// row ids, comma-separated, in tracked-field order, then, when it has them,
/// the raw title, content and excerpt (a reader that knows only the first ten
/// ignores them).
enum ContentIDs {
    static func parse(_ text: String) -> [Int64] {
        text.split(separator: ",").compactMap { Int64($0) }
    }

    /// The `content_ids` of `snapshot`: `rendered` gives each tracked field's
    /// id, `raw` each raw text's.
    static func join(
        _ snapshot: PostSnapshot, rendered: (TrackedField) throws -> Int64, raw: (String) throws -> Int64
    ) rethrows -> String {
        var ids = try TrackedField.allCases.map { String(try rendered($0)) }
        if snapshot.hasRaw { ids += try rawIDs(snapshot, raw) }
        return ids.joined(separator: ",")
    }

    /// The ids of a snapshot's raw texts, in `PostSnapshot.rawFields` order.
    static func rawIDs(_ snapshot: PostSnapshot, _ id: (String) throws -> Int64) rethrows -> [String] {
        try PostSnapshot.rawFields.map { String(try id(snapshot.raw[$0] ?? "")) }
    }

    /// The snapshot `ids` refer to, given the texts by id.
    static func snapshot(_ ids: [Int64], texts: [Int64: String]) -> PostSnapshot {
        var fields: [TrackedField: String] = [:]
        for (field, id) in zip(TrackedField.allCases, ids) { fields[field] = texts[id] ?? "" }
        var raw: [TrackedField: String] = [:]
        for (field, id) in zip(PostSnapshot.rawFields, ids.dropFirst(TrackedField.allCases.count)) {
            raw[field] = texts[id] ?? ""
        }
        return PostSnapshot(fields: fields, raw: raw)
    }
}
