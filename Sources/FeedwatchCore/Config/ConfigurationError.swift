/// Every problem found in a configuration file, one line each, in the form
/// `/etc/feedwatch.json: sites[2].interval: "5 minutes" is not a duration (e.g. "5m", "90s")`.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        /// The JSON path, such as `sites[2].interval`; empty for the file as a whole.
        public let path: String
        public let message: String
    }

    public let source: String
    public let problems: [Problem]

    public init(source: String, problems: [Problem]) {
        self.source = source
        self.problems = problems
    }

    public var lines: [String] {
        problems.map { $0.path.isEmpty ? "\(source): \($0.message)" : "\(source): \($0.path): \($0.message)" }
    }

    public var description: String { lines.joined(separator: "\n") }
}
