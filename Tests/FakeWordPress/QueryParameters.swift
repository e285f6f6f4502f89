/// Query parameters decoded the way PHP fills `$_GET` (`parse_str`), warts included:
/// `+` is a space (so an unescaped `+00:00` offset arrives as ` 00:00`), the last duplicate wins
/// at the position of the first, and `name[]=…` builds a list.
struct QueryParameters: Sendable {
    enum Value: Sendable, Equatable {
        case string(String)
        case list([String])
    }

    struct Entry: Sendable {
        var name: String
        var value: Value
    }

    private(set) var entries: [Entry] = []

    init(_ entries: [Entry] = []) { self.entries = entries }

    init(parsing query: String) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = PHPURL.decode(String(parts[0]))
            let value = parts.count > 1 ? PHPURL.decode(String(parts[1])) : ""
            guard !rawName.isEmpty else { continue }
            if let bracket = rawName.firstIndex(of: "["), rawName.hasSuffix("]"), bracket != rawName.startIndex {
                appendToList(Self.mangle(String(rawName[..<bracket])), value)
            } else {
                set(Self.mangle(rawName), .string(value))
            }
        }
    }

    /// PHP turns spaces and dots in parameter names into underscores (`a.b` arrives as `a_b`).
    private static func mangle(_ name: String) -> String {
        String(name.map { $0 == " " || $0 == "." ? "_" : $0 })
    }

    subscript(name: String) -> Value? { entries.first { $0.name == name }?.value }

    func string(_ name: String) -> String? {
        if case .string(let text)? = self[name] { return text }
        return nil
    }

    func has(_ name: String) -> Bool { self[name] != nil }

    mutating func set(_ name: String, _ value: Value) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].value = value
        } else {
            entries.append(Entry(name: name, value: value))
        }
    }

    private mutating func appendToList(_ name: String, _ item: String) {
        if let index = entries.firstIndex(where: { $0.name == name }), case .list(let items) = entries[index].value {
            entries[index].value = .list(items + [item])
        } else {
            set(name, .list([item]))
        }
    }
}
