import Foundation

/// PHP's `is_numeric` and numeric-string conversion.
enum PHPNumber {
    /// The value of a numeric string as PHP 8 defines it (surrounding whitespace allowed, decimal
    /// or exponent notation, no hex), or `nil` when `is_numeric` would be false.
    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t\n\r\u{0B}\u{0C}"))
        var body = Substring(trimmed)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let mantissa = body.prefix { $0 != "e" && $0 != "E" }
        let exponent = body.dropFirst(mantissa.count)
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digitsOnly = { (part: Substring) in part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !mantissa.isEmpty, parts.count <= 2, parts.allSatisfy(digitsOnly),
              parts.contains(where: { !$0.isEmpty })
        else { return nil }
        if !exponent.isEmpty {
            var digits = exponent.dropFirst()
            if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digitsOnly(digits) else { return nil }
        }
        return strtod(trimmed, nil)
    }
}
