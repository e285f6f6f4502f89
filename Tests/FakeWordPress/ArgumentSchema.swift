import Foundation

/// The part of WordPress's JSON-schema argument handling (`rest_validate_value_from_schema`,
/// `rest_sanitize_value_from_schema`) that the collection query arguments use, with WordPress's
/// own error codes and messages (as of 5.7+, e.g. `rest_out_of_bounds`, `rest_not_in_enum`).
indirect enum ArgumentSchema: Sendable {
    case string(enumeration: [String]? = nil, dateTime: Bool = false)
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case boolean
    case array(items: ArgumentSchema)

    /// `rest_validate_value_from_schema( $value, $args, $name )`.
    func validate(_ value: QueryParameters.Value, name: String) -> WPError? {
        switch self {
        case .integer(let minimum, let maximum):
            guard case .string(let text) = value, let number = PHPNumber.parse(text) else {
                return Self.invalidType(name, "integer")
            }
            if let error = Self.checkBounds(number, minimum: minimum, maximum: maximum, name: name) { return error }
            return number.rounded() == number ? nil : Self.invalidType(name, "integer")
        case .boolean:
            guard case .string(let text) = value, ["false", "true", "0", "1"].contains(text.lowercased()) else {
                return Self.invalidType(name, "boolean")
            }
            return nil
        case .string(let enumeration, let dateTime):
            guard case .string(let text) = value else { return Self.invalidType(name, "string") }
            if let enumeration, !enumeration.contains(text) {
                return WPError("rest_not_in_enum", Self.notInEnumMessage(name, enumeration))
            }
            if dateTime, WPTime.parseRESTDate(text) == nil {
                return WPError("rest_invalid_date", "Invalid date.")
            }
            return nil
        case .array(let items):
            for (position, item) in Self.parseList(value).enumerated() {
                if let error = items.validate(.string(item), name: "\(name)[\(position)]") { return error }
            }
            return nil
        }
    }

    /// `rest_sanitize_value_from_schema`, for a value that passed validation, in the form that
    /// `$request->get_query_params()` then holds (and pagination links repeat).
    func sanitize(_ value: QueryParameters.Value) -> QueryParameters.Value {
        switch self {
        case .integer:
            guard case .string(let text) = value, let number = PHPNumber.parse(text) else { return .string("0") }
            return .string(String(Int(number)))
        case .boolean:
            guard case .string(let text) = value else { return .string("") }
            return .string(["false", "0"].contains(text.lowercased()) || text.isEmpty ? "" : "1")
        case .string(_, let dateTime):
            guard case .string(let text) = value else { return value }
            return .string(dateTime ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text)
        case .array(let items):
            return .list(Self.parseList(value).map { item in
                if case .string(let sanitized) = items.sanitize(.string(item)) { return sanitized }
                return item
            })
        }
    }

    /// `wp_parse_list`: a list parameter may also be given as one comma- or space-separated string.
    static func parseList(_ value: QueryParameters.Value) -> [String] {
        switch value {
        case .list(let items): items
        case .string(let text):
            text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        }
    }

    private static func invalidType(_ name: String, _ type: String) -> WPError {
        WPError("rest_invalid_type", "\(name) is not of type \(type).", data: .object(["param": .string(name)]))
    }

    private static func checkBounds(_ value: Double, minimum: Int?, maximum: Int?, name: String) -> WPError? {
        switch (minimum, maximum) {
        case let (minimum?, maximum?) where value < Double(minimum) || value > Double(maximum):
            WPError("rest_out_of_bounds", "\(name) must be between \(minimum) (inclusive) and \(maximum) (inclusive)")
        case let (minimum?, nil) where value < Double(minimum):
            WPError("rest_out_of_bounds", "\(name) must be greater than or equal to \(minimum)")
        case let (nil, maximum?) where value > Double(maximum):
            WPError("rest_out_of_bounds", "\(name) must be less than or equal to \(maximum)")
        default:
            nil
        }
    }

    /// `wp_sprintf( '%1$s is not one of %2$l.' )`, whose `%l` lists as "a, b, and c" / "a and b".
    private static func notInEnumMessage(_ name: String, _ values: [String]) -> String {
        switch values.count {
        case 1: return "\(name) is not \(values[0])."
        case 2: return "\(name) is not one of \(values[0]) and \(values[1])."
        default:
            return "\(name) is not one of \(values.dropLast().joined(separator: ", ")), and \(values[values.count - 1])."
        }
    }
}
