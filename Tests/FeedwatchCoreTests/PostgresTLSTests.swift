@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// A PostgreSQL server on "another machine" (a name other than localhost,
/// which only `hostaddr` points at loopback) is reached over TLS and its
/// certificate verified, name included: `sslmode=verify-full` is added to a
/// URL that names none.
@Suite struct PostgresTLSTests {
    private func store(_ url: String, server: PostgresServer, directory: TemporaryDirectory) throws -> PostgresStore {
        let passwordFile = try directory.write("database.password", server.password)
        guard case .postgresql(let location) = try DatabaseLocation.parse(url, password: .file(passwordFile)).get() else {
            throw PostgresError("not a PostgreSQL location: \(url)")
        }
        #expect(location.url.hasSuffix("&sslmode=verify-full"), "\(location.url)")
        return PostgresStore(location, environment: [:])
    }

    @Test func aRemoteServerIsReachedOverVerifiedTLS() async throws {
        let server = try PostgresServer(tls: true)
        let directory = try TemporaryDirectory()
        let database = try server.createDatabase()
        let url = server.tlsURL(database: database) + "&sslrootcert=\(try #require(server.caFile))"
        let store = try store(url, server: server, directory: directory)
        _ = try await store.registerSite(name: "s", url: "https://a.org/")
        let ssl = try await store.read("test query") { connection in
            try connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.bool("ssl")
        }
        #expect(ssl == true)
    }

    @Test func aCertificateFromAnotherAuthorityIsRefused() async throws {
        let server = try PostgresServer(tls: true)
        let other = try PostgresServer(tls: true)
        let directory = try TemporaryDirectory()
        let url = server.tlsURL(database: try server.createDatabase()) + "&sslrootcert=\(try #require(other.caFile))"
        let error = await #expect(throws: StoreError.self) {
            _ = try await self.store(url, server: server, directory: directory).registerSite(name: "s", url: "https://a.org/")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("certificate verify failed"), "\(String(describing: error))")
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        let server = try PostgresServer(tls: true)
        let directory = try TemporaryDirectory()
        let url = server.tlsURL(database: try server.createDatabase(), host: "impostor.feedwatch.test")
            + "&sslrootcert=\(try #require(server.caFile))"
        let error = await #expect(throws: StoreError.self) {
            _ = try await self.store(url, server: server, directory: directory).registerSite(name: "s", url: "https://a.org/")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("does not match host name"), "\(String(describing: error))")
    }
}
