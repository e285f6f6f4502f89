/// A parsed JSON document that keeps object members in source order, duplicates
/// included, so the configuration validator can report every problem precisely.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number as written, so integers stay exact.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    public struct Member: Sendable {
        public let key: String
        public let value: JSONValue
    }

    /// How the value's kind reads in an error message: "a string", "an array".
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
