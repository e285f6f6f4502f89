/// A JSON value whose objects keep their members in document order.
///
/// WordPress builds responses from PHP arrays, which keep insertion order, and that order is
/// observable (clients that hash bytes, byte-level fixture comparisons). `JSONSerialization`
/// would lose it, so the fake keeps its own small model.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, so that re-encoding reproduces the input byte for byte.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// Builds an object from key/value pairs, in the given order.
    static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember(key: $0.key, value: $0.value) })
    }

    var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The member named `key` of an object; setting `nil` removes it, setting a new key appends it
    /// and setting an existing key replaces the value where it stands (as PHP arrays do).
    subscript(key: String) -> JSONValue? {
        get { members?.last { $0.key == key }?.value }
        set {
            guard case .object(var members) = self else { return }
            let index = members.lastIndex { $0.key == key }
            switch (index, newValue) {
            case let (index?, value?): members[index].value = value
            case let (index?, nil): members.remove(at: index)
            case let (nil, value?): members.append(JSONMember(key: key, value: value))
            case (nil, nil): return
            }
            self = .object(members)
        }
    }

    /// Sets `key` to `value`, inserting a new member right after `anchor` (or at the end).
    mutating func set(_ key: String, _ value: JSONValue, after anchor: String) {
        guard case .object(var members) = self else { return }
        if let index = members.lastIndex(where: { $0.key == key }) {
            members[index].value = value
        } else if let anchorIndex = members.lastIndex(where: { $0.key == anchor }) {
            members.insert(JSONMember(key: key, value: value), at: anchorIndex + 1)
        } else {
            members.append(JSONMember(key: key, value: value))
        }
        self = .object(members)
    }
}

/// One `"key": value` member of a JSON object.
struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue
}
