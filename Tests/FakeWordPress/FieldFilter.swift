/// `rest_filter_response_fields()`: what `_fields=id,title.rendered` keeps of a response.
///
/// Members keep the response's order (not the order of `_fields`), dotted names select nested
/// members, and WordPress's quirk is kept: a dotted field whose parent was already selected
/// whole (`_fields=title,title.rendered,id`) ends the parsing (`break 2`), so later fields are
/// ignored.
struct FieldFilter {
    private indirect enum Node {
        case whole
        case some([String: Node])
    }

    private let root: [String: Node]

    /// `nil` when `_fields` selects nothing, in which case WordPress leaves the response alone.
    init?(_ value: QueryParameters.Value) {
        let fields = ArgumentSchema.parseList(value)
        guard !fields.isEmpty else { return nil }
        var root: [String: Node] = [:]
        for field in fields {
            guard Self.insert(field.split(separator: ".", omittingEmptySubsequences: false).map(String.init), into: &root) else {
                break
            }
        }
        self.root = root
    }

    /// Adds one field path; `false` means WordPress would stop reading further fields.
    private static func insert(_ parts: [String], into tree: inout [String: Node]) -> Bool {
        guard let first = parts.first else { return true }
        guard parts.count > 1 else {
            tree[first] = .whole
            return true
        }
        var children: [String: Node]
        switch tree[first] {
        case .whole?: return false
        case .some(let existing)?: children = existing
        case nil: children = [:]
        }
        let keepGoing = insert(Array(parts.dropFirst()), into: &children)
        tree[first] = .some(children)
        return keepGoing
    }

    /// Filters each item of a list response, or the object itself.
    func apply(to data: JSONValue) -> JSONValue {
        if case .array(let items) = data { return .array(items.map { filter($0, root) }) }
        return filter(data, root)
    }

    /// `_rest_array_intersect_key_recursive`.
    private func filter(_ value: JSONValue, _ selection: [String: Node]) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.compactMap { member in
                guard let node = selection[member.key] else { return nil }
                guard case .some(let children) = node else { return member }
                return JSONMember(key: member.key, value: filter(member.value, children))
            })
        case .array(let items):
            // A PHP list filtered by index keeps its keys, so anything but a prefix becomes an object.
            let kept = items.enumerated().compactMap { index, item -> JSONMember? in
                guard let node = selection[String(index)] else { return nil }
                guard case .some(let children) = node else { return JSONMember(key: String(index), value: item) }
                return JSONMember(key: String(index), value: filter(item, children))
            }
            let isPrefix = kept.enumerated().allSatisfy { $0.element.key == String($0.offset) }
            return isPrefix ? .array(kept.map(\.value)) : .object(kept)
        default:
            return value
        }
    }
}
