import Foundation
import TestSupport

/// A real WordPress 6.1 from Debian's packages (wordpress, mariadb-server,
/// php-fpm, nginx) on 127.0.0.1, without systemd and without touching /etc:
/// a MariaDB data directory, php-fpm pool and nginx of its own in a temporary
/// directory (`ServerLayout`), installed and filled by `php` CLI scripts
/// (`PHP/install.php`, `PHP/seed.php`). `stop()` (or `deinit`) ends every
/// server and removes the directory.
final class RealWordPress: Sendable {
    /// The running WordPress of the suite being run (`RealWordPressTrait`).
    @TaskLocal static var current: RealWordPress?

    let layout: ServerLayout
    /// The seeded posts and pages by key (`PHP/seed.php`), e.g. `counters`.
    let ids: [String: Int]
    /// An editor with an application password: what an authenticated feedwatch uses.
    let username: String
    let applicationPassword: String
    /// Seconds spent starting, per step, for docs/real-wordpress.md.
    let startupTimes: [(step: String, seconds: Double)]

    private let directory: TemporaryDirectory
    private let servers: [ChildProcess]

    var url: String { layout.home + "/" }

    static let scripts = Fixture.repository.appendingPathComponent("Tests/RealWordPressTests/PHP").path

    init() throws {
        let tools = try Tools.find()
        var times: [(String, Double)] = []
        var started = Date()
        func lap(_ step: String) {
            times.append((step, Date().timeIntervalSince(started)))
            started = Date()
        }
        directory = try TemporaryDirectory()
        let layout = ServerLayout(root: directory.path, port: try LoopbackPort.free())
        self.layout = layout
        try layout.write()
        var servers: [ChildProcess] = []
        // Whatever started is stopped again if a later step fails.
        var done = false
        defer { if !done { servers.reversed().forEach { $0.stop(grace: 10) } } }

        try BoundedRun.run(Tools.installDatabase, ["--no-defaults", "--datadir=\(layout.databaseDirectory)", "--user=root",
                                                   "--auth-root-authentication-method=socket", "--skip-test-db",
                                                   "--skip-name-resolve"], timeout: 120)
        lap("mariadb-install-db")
        let database = try ChildProcess(Tools.database, layout.databaseArguments, environment: Self.environment,
                                        output: layout.root + "/mysqld.out", mergeErrors: true)
        servers.append(database)
                try Self.waitFor("mariadbd", log: layout.databaseLog, server: database, timeout: 60) {
            (try? BoundedRun.run(Tools.client, ["--no-defaults", "-S", layout.databaseSocket, "-u", "root",
                                          "-e", "CREATE DATABASE IF NOT EXISTS wordpress"], timeout: 10, check: true)) != nil
        }
        lap("mariadbd")
        let fpm = try ChildProcess(tools.fpm, ["-F", "-R", "-y", layout.fpmConfig, "-p", layout.root],
                                   environment: Self.environment, output: layout.root + "/php-fpm.out", mergeErrors: true)
        servers.append(fpm)
        try Self.waitFor("php-fpm", log: layout.fpmLog, server: fpm, timeout: 30) {
            FileManager.default.fileExists(atPath: layout.fpmSocket)
        }
        let nginx = try ChildProcess(Tools.nginx, ["-p", layout.nginxDirectory, "-c", layout.nginxConfig, "-e", layout.nginxLog],
                                     environment: Self.environment, output: layout.root + "/nginx.out", mergeErrors: true)
        servers.append(nginx)
        lap("php-fpm, nginx")
        self.servers = servers

        let environment = ["FEEDWATCH_WP_HOME": layout.home]
        try BoundedRun.run(Tools.php, layout.phpArguments + ["\(Self.scripts)/install.php"], environment: environment,
                           timeout: 120, what: "installing WordPress (PHP/install.php)")
        lap("wp_install")
        try Self.waitFor("nginx", log: layout.nginxLog, server: nginx, timeout: 30) {
            (try? BoundedRun.run(Tools.curl, ["-sSf", "-o", "/dev/null", layout.home + "/wp-json/"], timeout: 10)) != nil
        }
        lap("first REST answer")
        let seeded = try BoundedRun.run(Tools.php, layout.phpArguments + ["\(Self.scripts)/seed.php"], environment: environment,
                                        timeout: 120, what: "writing the content (PHP/seed.php)").output
        lap("content")
        let seed = try SeedResult(json: seeded)
        ids = seed.ids
        username = seed.user
        applicationPassword = seed.password
        startupTimes = times
        done = true
    }

    deinit { stop() }

    /// Ends nginx, php-fpm and MariaDB, in that order; safe to call more than once.
    func stop() {
        for server in servers.reversed() { server.stop(grace: 10) }
    }

    /// Runs `code` in WordPress (wp-load.php already required) with `php` CLI
    /// and returns what it printed.
    @discardableResult
    func php(_ code: String) throws -> String {
        let script = try directory.write("script-\(UUID().uuidString).php", "<?php\nrequire ABSPATH . 'wp-load.php';\n\(code)\n")
        defer { try? FileManager.default.removeItem(atPath: script) }
        return try BoundedRun.run(Tools.php, layout.phpArguments + [script], environment: ["FEEDWATCH_WP_HOME": layout.home],
                                  timeout: 60, what: "PHP in WordPress:\n\(code)\n").output
    }

    /// Runs SQL against WordPress's database with the `mariadb` client.
    @discardableResult
    func sql(_ statement: String) throws -> String {
        try BoundedRun.run(Tools.client, ["--no-defaults", "-S", layout.databaseSocket, "-u", "root", "-N", "wordpress",
                                          "-e", statement], timeout: 30).output
    }

    /// The body of a GET of `path` under the REST root (e.g. `wp/v2/posts/7`),
    /// anonymous or with the application password.
    func rest(_ path: String, authenticated: Bool = false) throws -> Data {
        var arguments = ["-sSf", "--max-time", "60", "\(layout.home)/wp-json/\(path)"]
        if authenticated { arguments += ["-u", "\(username):\(applicationPassword)"] }
        return Data(try BoundedRun.run(Tools.curl, arguments, timeout: 70).output.utf8)
    }

    private static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        return environment
    }

    private static func waitFor(
        _ name: String, log: String, server: ChildProcess, timeout: Double, _ ready: () -> Bool
    ) throws {
        guard BoundedRun.waitUntil(timeout: timeout, alive: { server.isRunning }, ready) else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? "(no log at \(log))"
            throw RealWordPressError.notAnswering(name, seconds: timeout, log: text)
        }
    }
}
