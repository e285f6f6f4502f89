#if canImport(Glibc)
import Glibc
#endif

/// Reads and validates a configuration file, collecting every problem rather
/// than stopping at the first.
public enum ConfigurationLoader {
    /// The largest configuration file read; anything bigger is surely a mistake.
    static let maximumFileSize = 4 << 20

    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
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

    private static func readFile(_ path: String) throws(FileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError(errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maximumFileSize {
                throw FileReadError(message: "larger than \(maximumFileSize >> 20) MiB; is this the right file?")
            }
        }
    }
}

private struct FileReadError: Error, CustomStringConvertible {
    let description: String

    init(errno code: Int32) {
        description = "cannot read the file: \(String(cString: strerror(code)))"
    }

    init(message: String) { description = message }
}
