import Foundation

/// The programs of Debian's packages that the harness runs. Their absence is
/// an error that names the package, never a reason to skip.
struct Tools {
    static let installDatabase = "/usr/bin/mariadb-install-db"
    static let database = "/usr/sbin/mariadbd"
    static let client = "/usr/bin/mariadb"
    static let php = "/usr/bin/php"
    static let nginx = "/usr/sbin/nginx"
    static let curl = "/usr/bin/curl"

    /// php-fpm is named for its PHP version: php-fpm8.2 on Debian 12.
    let fpm: String

    static func find() throws -> Tools {
        let files = FileManager.default
        let needed = [(installDatabase, "mariadb-server"), (database, "mariadb-server"), (client, "mariadb-client"),
                      (php, "php-cli"), (nginx, "nginx"), (curl, "curl"),
                      (ServerLayout.wordpressSource + "/wp-settings.php", "wordpress")]
        for (path, package) in needed where !files.isExecutableFile(atPath: path) && !files.fileExists(atPath: path) {
            throw RealWordPressError.missing(path, package: package)
        }
        let fpm = ((try? files.contentsOfDirectory(atPath: "/usr/sbin")) ?? [])
            .filter { $0.hasPrefix("php-fpm") }.sorted().last
        guard let fpm else { throw RealWordPressError.missing("/usr/sbin/php-fpm*", package: "php-fpm") }
        return Tools(fpm: "/usr/sbin/" + fpm)
    }
}
