/// Reads and validates a configuration file, collecting every problem rather
/// than stopping at the first.
public enum ConfigurationLoader {
    /// The largest configuration file read; anything bigger is surely a mistake.
    /// 100,000 sites with a few settings each take about 20 MiB.
    static let maximumFileSize = 64 << 20

    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: maximumFileSize)
        } catch {
            throw ConfigurationError(source: path, problems: [.init(path: "", message: error.description)])
        }
        return try parse(bytes, source: path)
    }

    public static func parse(_ bytes: [UInt8], source: String) throws(ConfigurationError) -> Configuration {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ConfigurationError(source: source, problems: [.init(path: "", message: "not valid JSON: \(error)")])
        }
        var validator = ConfigurationValidator()
        let configuration = validator.validate(document, source: source)
        guard validator.problems.isEmpty, let configuration else {
            throw ConfigurationError(source: source, problems: validator.problems)
        }
        return configuration
    }
}
