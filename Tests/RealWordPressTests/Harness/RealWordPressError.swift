/// Why the real WordPress could not be set up, written for whoever runs the tests.
struct RealWordPressError: Error, CustomStringConvertible {
    let description: String

    /// A Debian package the harness needs is not installed.
    static func missing(_ program: String, package: String) -> RealWordPressError {
        RealWordPressError(description: """
            \(program) is missing: the real-WordPress tests need Debian's \(package) \
            (run `make real-wordpress-deps`, or `apt-get install wordpress mariadb-server php-fpm nginx`)
            """)
    }

    /// A program ended with a failure, or did not end in time.
    static func failed(_ what: String, status: Int32?, output: String) -> RealWordPressError {
        let how = status.map { "exited with status \($0)" } ?? "did not finish in time"
        return RealWordPressError(description: "\(what) \(how):\n\(output.suffix(3000))")
    }

    /// A server did not answer within its time.
    static func notAnswering(_ server: String, seconds: Double, log: String) -> RealWordPressError {
        RealWordPressError(description: "\(server) did not answer within \(Int(seconds)) s; its log ends:\n\(log.suffix(3000))")
    }
}
