import Foundation

/// `openssl s_server` on 127.0.0.1 with a certificate it signed itself, as a
/// site with a broken TLS setup presents, or a site behind a private CA when
/// the client is given `certificate` to trust. It answers every request with a
/// page that says how the TLS session began: `New, TLSv1.3, …` or `Reused, …`.
public final class SelfSignedTLSServer {
    public let port: Int
    /// The server's certificate, a CA file that trusts it: for 127.0.0.1 and for
    /// every `NAME.tls.localhost`, which libcurl resolves to loopback itself, so
    /// that one server stands for as many origins as a test needs.
    public let certificate: String
    private let process: ChildProcess
    private let directory: TemporaryDirectory

    public init() throws {
        directory = try TemporaryDirectory()
        let key = directory.file("key.pem")
        let certificate = directory.file("cert.pem")
        self.certificate = certificate
        _ = try ChildProcess.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                                      "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                                                      "-addext", "subjectAltName=IP:127.0.0.1,DNS:*.tls.localhost"])
        port = try LoopbackPort.free()
        process = try ChildProcess("/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate,
                                                        "-key", key, "-www", "-quiet"])
        // Bounded wait until the port accepts connections.
        for _ in 0..<100 where !LoopbackPort.accepts(port) {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    public func stop() {
        process.stop()
    }

    deinit { stop() }
}
