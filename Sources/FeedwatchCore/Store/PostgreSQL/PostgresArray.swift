/// Arrays as statement parameters, in PostgreSQL's text form: `{1,2,3}`.
enum PostgresArray {
    static func integers<S: Sequence>(_ values: S) -> String where S.Element: BinaryInteger {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    /// Each text double-quoted, with `"` and `\` escaped.
    static func texts(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
