import Foundation

/// `openssl s_server` on 127.0.0.1 with a certificate it signed itself, as a
/// site with a broken TLS setup presents.
public final class SelfSignedTLSServer {
    public let port: Int
    private let process = Process()
    private let directory: TemporaryDirectory

    public init() throws {
        directory = try TemporaryDirectory()
        let key = directory.file("key.pem")
        let certificate = directory.file("cert.pem")
        try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                          "-days", "1", "-subj", "/CN=127.0.0.1"])
        port = Int.random(in: 20_000..<60_000)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Bounded wait until the port accepts connections.
        for _ in 0..<100 where !Self.accepts(port: port) {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// SIGKILL, not SIGTERM: a child started from a test thread inherits that
    /// thread's signal mask, in which dispatch blocks SIGTERM.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
