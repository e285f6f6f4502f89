@testable import FeedwatchCore
import Testing

/// The `database` key: a file, or a PostgreSQL database with its password kept apart.
@Suite struct DatabaseConfigurationTests {
    private func load(_ database: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.parse(Array(#"{"sites": [], "database": \#(database)}"#.utf8), source: "/etc/feedwatch.json")
    }

    private func problems(_ database: String) -> [String] {
        do {
            _ = try load(database)
            return []
        } catch {
            return error.lines
        }
    }

    @Test func aURLWithAPasswordFileIsAPostgreSQLDatabase() throws {
        let configuration = try load(#"{"url": "postgresql://feedwatch@db.example.org:5432/feedwatch?sslmode=verify-full", "passwordFile": "/etc/feedwatch/db.password"}"#)
        #expect(configuration.database == .postgresql(PostgresLocation(
            url: "postgresql://feedwatch@db.example.org:5432/feedwatch?sslmode=verify-full",
            password: .file("/etc/feedwatch/db.password"))))
    }

    @Test func aRemoteServerIsVerifiedWhenTheURLSaysNothing() throws {
        let configuration = try load(#"{"url": "postgresql://feedwatch@db.example.org/feedwatch", "credential": "db"}"#)
        #expect(configuration.database == .postgresql(PostgresLocation(
            url: "postgresql://feedwatch@db.example.org/feedwatch?sslmode=verify-full", password: .credential("db"))))
    }

    @Test func aLocalSocketOrLoopbackNeedsNoTLS() throws {
        for url in ["postgresql:///feedwatch?host=/run/postgresql", "postgresql://feedwatch@127.0.0.1:5433/fw",
                    "postgres://localhost/fw?sslmode=disable", "postgresql://[::1]/fw"] {
            #expect(try load("\"\(url)\"").database == .postgresql(PostgresLocation(url: url, password: nil)))
        }
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingRepeated() {
        #expect(problems(#""postgresql://feedwatch:s3cret@db.example.org/fw""#) == [
            #"/etc/feedwatch.json: database: postgresql://…@db.example.org/fw: never write the password in the URL; put it in a file named by "passwordFile" (or "credential") beside "url""#,
        ])
        #expect(problems(#"{"url": "postgresql://db.example.org/fw?password=s3cret&sslmode=verify-full"}"#) == [
            #"/etc/feedwatch.json: database.url: postgresql://db.example.org/fw?password=…&sslmode=verify-full: never write the password in the URL; put it in a file named by "passwordFile" (or "credential") beside "url""#,
        ])
    }

    @Test func aRemoteServerThatIsNotVerifiedIsRefused() {
        let lines = problems(#""postgresql://db.example.org/fw?sslmode=require""#)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("/etc/feedwatch.json: database: postgresql://db.example.org/fw?sslmode=require: "
            + "sslmode=require does not check the server's certificate") == true)
    }

    @Test func theObjectFormNamesWhatIsMissingOrUnknown() {
        #expect(problems(#"{"passwordFile": "/p"}"#)
            == ["/etc/feedwatch.json: database.url: missing: the postgresql:// URL of the database"])
        #expect(problems(#"{"url": "postgresql:///fw", "passwordfile": "/p"}"#)
            == [#"/etc/feedwatch.json: database.passwordfile: unknown key (did you mean "passwordFile"?)"#])
        #expect(problems(#"{"url": "/var/lib/feedwatch.db", "passwordFile": "/p"}"#)
            == ["/etc/feedwatch.json: database.url: a password is for a postgresql:// database; an SQLite file has none"])
        #expect(problems(#""feedwatch.db""#)
            == [#"/etc/feedwatch.json: database: "feedwatch.db" must be an absolute path or a postgresql:// URL"#])
    }
}
