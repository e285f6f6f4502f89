/// Where the store is (SPEC §2 `database`): an SQLite file, the embedded
/// default, or a PostgreSQL database that several daemons share.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgresql(PostgresLocation)

    /// A path (absolute) or a `postgresql://` URL, as `database` or
    /// `--database` gives it; what is wrong with it otherwise, in words.
    public static func parse(_ text: String, password: SecretSource? = nil) -> Result<DatabaseLocation, LocationError> {
        if PostgresLocation.isURL(text) {
            return PostgresLocation.parse(text, password: password).map(DatabaseLocation.postgresql)
        }
        guard password == nil else {
            return .failure(LocationError("a password is for a postgresql:// database; an SQLite file has none"))
        }
        guard text.hasPrefix("/") else {
            return .failure(LocationError("\"\(text)\" must be an absolute path or a postgresql:// URL"))
        }
        return .success(.sqlite(path: text))
    }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgresql(let location): location.url
        }
    }

    public struct LocationError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A PostgreSQL database as libpq names it, `postgresql://user@host:port/name?…`
/// (or `postgresql:///name?host=/run/postgresql` for a local socket), with the
/// password kept apart, in a file, never in the URL.
public struct PostgresLocation: Sendable, Equatable {
    /// The URL, with `sslmode=verify-full` added when it names a remote server
    /// and no `sslmode`: a server on another machine is always verified.
    public var url: String
    public var password: SecretSource?
    /// This daemon's name among those sharing the database (`database.node`):
    /// what `FEEDWATCH_NODE` and `status` call it; `nil` for the host name.
    public var node: String?
    /// How long a site or channel this daemon took stays its own without a
    /// renewal (`database.lease`): how soon the others take over its work
    /// when it dies.
    public var lease: Duration = Self.defaultLease

    public static let defaultLease = Duration.seconds(30)
    public static let minimumLease = Duration.seconds(2)

    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The modes in which libpq checks the server's certificate.
    private static let verifyingModes: Set<String> = ["verify-ca", "verify-full"]

    static func parse(_ text: String, password: SecretSource?) -> Result<PostgresLocation, DatabaseLocation.LocationError> {
        let afterScheme = text.range(of: "://").map { text[$0.upperBound...] } ?? text[...]
        let query = afterScheme.firstIndex(of: "?").map { afterScheme[afterScheme.index(after: $0)...] } ?? ""
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        let parameters = Self.parameters(query)
        let userInfo = authority.contains("@") ? authority.prefix { $0 != "@" } : ""
        if userInfo.contains(":") || parameters["password"] != nil {
            return .failure(.init("""
                \(redacted(text)): never write the password in the URL; put it in a file named by "passwordFile" \
                (or "credential") beside "url"
                """))
        }
        let hostPart = authority.split(separator: "@", maxSplits: 1).last.map(String.init) ?? ""
        let hosts = (parameters["host"] ?? hostPart).split(separator: ",").map { Self.hostName(String($0)) }
        let local = hosts.allSatisfy(Self.isLocal)
        var url = text
        switch parameters["sslmode"] {
        case nil where !local:
            url += (text.contains("?") ? "&" : "?") + "sslmode=verify-full"
        case let mode? where !local && !Self.verifyingModes.contains(mode):
            return .failure(.init("""
                \(text): sslmode=\(mode) does not check the server's certificate, so anyone on the way could \
                pose as the server; use sslmode=verify-full (with sslrootcert=/path/to/ca.pem for a private CA), \
                or connect over a unix socket
                """))
        default:
            break
        }
        return .success(PostgresLocation(url: url, password: password))
    }

    /// A URL's `key=value&…` parameters (percent-escapes left as they are).
    private static func parameters(_ query: Substring) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return parameters
    }

    /// `host:port`, `[::1]:port` or a socket directory, as a bare host.
    private static func hostName(_ text: String) -> String {
        if text.hasPrefix("[") { return String(text.dropFirst().prefix { $0 != "]" }) }
        if text.hasPrefix("/") || text.hasPrefix("%2F") || text.hasPrefix("%2f") { return "/" }
        return String(text.prefix { $0 != ":" })
    }

    /// Whether the server is on this machine: a socket (no host, or a
    /// directory) or a loopback address, where no one can sit in between.
    private static func isLocal(_ host: String) -> Bool {
        host.isEmpty || host == "/" || host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The URL without its password (user and password become `…`; a
    /// `password=` parameter's value too), for a message.
    private static func redacted(_ text: String) -> String {
        var text = text
        if let at = text.firstIndex(of: "@"), let slashes = text.range(of: "//"), slashes.upperBound < at {
            text = text[..<slashes.upperBound] + "…" + text[at...]
        }
        if let password = text.range(of: "password=") {
            let end = text[password.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(password.upperBound..<end, with: "…")
        }
        return text
    }
}
