import Foundation

/// A PostgreSQL server of a test's own, from Debian's `postgresql` package: a
/// cluster made by `initdb` in a temporary directory, started by `pg_ctl` on a
/// unix socket in that directory and on a loopback port, stopped at the end.
/// The superuser `feedwatch` connects without a password on the socket and
/// with `password` over TCP (SCRAM), as a server set up for feedwatch would
/// let it. Run as root, the server runs as the `postgres` user (PostgreSQL
/// refuses to run as root).
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let user = "feedwatch"
    public let password: String
    /// The directory holding the socket (and the cluster, and its log).
    public let socketDirectory: String
    private let directory: TemporaryDirectory
    private let binaries: String
    /// With `tls`: the CA that signed the server's certificate, for
    /// `tlsHost` (and only that name), to give as `sslrootcert`.
    public let caFile: String?
    public static let tlsHost = "db.feedwatch.test"
    private var dataDirectory: String { directory.file("data") }
    private var log: String { directory.file("server.log") }

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// - Parameter tls: whether the server also takes TLS connections, with a
    ///   certificate for `tlsHost` from a CA of the test's own (`caFile`).
    public init(tls: Bool = false) throws {
        directory = try TemporaryDirectory()
        caFile = tls ? directory.file("ca.pem") : nil
        socketDirectory = directory.path
        port = try LoopbackPort.free()
        password = "pw-\(UUID().uuidString.prefix(8))"
        binaries = try Self.findBinaries()
        let passwordFile = try directory.write("superuser.password", password + "\n")
        if getuid() == 0 {
            guard let owner = getpwnam("postgres") else { throw StartError("no user postgres (install Debian's postgresql)") }
            chown(directory.path, owner.pointee.pw_uid, owner.pointee.pw_gid)
            chown(passwordFile, owner.pointee.pw_uid, owner.pointee.pw_gid)
        }
        try serverTool("initdb", ["-D", dataDirectory, "-U", user, "--auth-local=trust", "--auth-host=scram-sha-256",
                                  "--pwfile=\(passwordFile)", "-E", "UTF8", "--locale=C"])
        if tls { try makeCertificates() }
        try start()
    }

    deinit { try? serverTool("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], check: false) }

    /// A new, empty database, and its URL over TCP (its password not in it).
    public func createDatabase(_ name: String = "feedwatch_\(UUID().uuidString.prefix(8).lowercased())") throws -> String {
        try psql("CREATE DATABASE \(name)", database: "postgres")
        return name
    }

    /// `postgresql://feedwatch@127.0.0.1:PORT/NAME`: over loopback TCP, with the password to give.
    public func tcpURL(database: String) -> String { "postgresql://\(user)@127.0.0.1:\(port)/\(database)" }

    /// `postgresql:///NAME?host=DIR&port=PORT&user=feedwatch`: over the unix socket, no password.
    public func socketURL(database: String) -> String {
        "postgresql:///\(database)?host=\(socketDirectory)&port=\(port)&user=\(user)"
    }

    /// Runs SQL through psql on the socket; its output, unaligned, tuples only.
    @discardableResult
    public func psql(_ sql: String, database: String) throws -> String {
        try run("\(binaries)/psql", psqlArguments(sql, database: database))
    }

    /// `psql` running `sql` in the background, in one session, until it ends
    /// or is stopped: what holds a session's locks for a while.
    public func psqlSession(_ sql: String, database: String) throws -> ChildProcess {
        try ChildProcess("\(binaries)/psql", psqlArguments(sql, database: database),
                         output: directory.file("session-\(UUID().uuidString).out"), mergeErrors: true)
    }

    /// `psql` as the superuser over the socket, stopping at the first error,
    /// printing rows unaligned and without headers.
    private func psqlArguments(_ sql: String, database: String) -> [String] {
        ["-h", socketDirectory, "-p", String(port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]
    }

    public func start() throws {
        var options = "-c listen_addresses=127.0.0.1 -p \(port) -k \(socketDirectory) -c fsync=off"
        if caFile != nil {
            options += " -c ssl=on -c ssl_cert_file=\(dataDirectory)/server.crt -c ssl_key_file=\(dataDirectory)/server.key"
        }
        try serverTool("pg_ctl", ["-D", dataDirectory, "-l", log, "-o", options, "-w", "-t", "60", "start"])
    }

    /// Stops the server: `fast` (what systemd does) or `immediate` (a crash).
    public func stop(mode: String = "fast") throws {
        try serverTool("pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "60", "stop"])
    }

    /// A CA and a server certificate for `tlsHost` it signed, in the data
    /// directory, the key readable by the server's user alone (PostgreSQL checks).
    private func makeCertificates() throws {
        let openssl = "/usr/bin/openssl", key = directory.file("ca.key")
        let serverKey = "\(dataDirectory)/server.key", request = directory.file("server.csr")
        try run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", directory.file("ca.pem"),
                          "-days", "2", "-subj", "/CN=feedwatch test PostgreSQL CA"])
        try run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey, "-out", request,
                          "-subj", "/CN=\(Self.tlsHost)"])
        let extensions = try directory.write("san.ext", "subjectAltName=DNS:\(Self.tlsHost)\n")
        try run(openssl, ["x509", "-req", "-in", request, "-CA", directory.file("ca.pem"), "-CAkey", key, "-CAcreateserial",
                          "-days", "2", "-extfile", extensions, "-out", "\(dataDirectory)/server.crt"])
        chmod(serverKey, 0o600)
        if getuid() == 0, let owner = getpwnam("postgres") {
            for file in [serverKey, "\(dataDirectory)/server.crt"] { chown(file, owner.pointee.pw_uid, owner.pointee.pw_gid) }
        }
    }

    /// `postgresql://feedwatch@db.feedwatch.test:PORT/NAME?hostaddr=127.0.0.1`: over
    /// TLS to the server by the name on its certificate, which only `hostaddr` resolves.
    public func tlsURL(database: String, host: String = PostgresServer.tlsHost) -> String {
        "postgresql://\(user)@\(host):\(port)/\(database)?hostaddr=127.0.0.1"
    }

    /// Runs one of the server's programs, as `postgres` when this is root.
    @discardableResult
    private func serverTool(_ name: String, _ arguments: [String], check: Bool = true) throws -> String {
        let program = "\(binaries)/\(name)"
        if getuid() == 0 {
            return try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments, check: check)
        }
        return try run(program, arguments, check: check)
    }

    /// Runs a program to its end, at most 90 seconds.
    private func run(_ path: String, _ arguments: [String], check: Bool = true) throws -> String {
        let output = directory.file("tool-\(UUID().uuidString).out")
        defer { unlink(output) }
        let child = try ChildProcess(path, arguments, output: output, mergeErrors: true)
        let status = child.wait(timeout: 90)
        if status == nil { child.stop() }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        if check, status != 0 {
            let logTail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(5)
                .joined(separator: "\n") ?? ""
            throw StartError("\(([path] + arguments).joined(separator: " ")) exited \(status.map(String.init) ?? "timed out"): "
                + "\(text)\(logTail.isEmpty ? "" : "\nserver log: \(logTail)")")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The newest installed server's programs: /usr/lib/postgresql/VERSION/bin.
    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        guard let newest = versions.last(where: { FileManager.default.fileExists(atPath: "\(root)/\($0)/bin/initdb") }) else {
            throw StartError("no PostgreSQL server under \(root) (install Debian's postgresql)")
        }
        return "\(root)/\(newest)/bin"
    }
}
