import Foundation
import TestSupport

/// A DNS server on loopback (dnsmasq, from Debian's `dnsmasq-base`) that
/// answers every name under `farm.test` with 127.0.0.1, so the `dns` run's
/// sites are found the way real sites are: by getaddrinfo, which libcurl's
/// threaded resolver calls on a thread of its own for each lookup. The daemon
/// reaches it through a resolv.conf of its own, bind-mounted over
/// /etc/resolv.conf in a private mount namespace (`unshare -m`, so root), so
/// nothing else on the machine is pointed at it.
final class LocalResolver {
    static let domain = "farm.test"
    /// A loopback address of its own: port 53 of 127.0.0.1 may be taken by the
    /// machine's own resolver.
    static let address = "127.0.80.53"

    let resolvConf: String
    private var process: ChildProcess?

    init(directory: String) throws {
        let dnsmasq = "/usr/sbin/dnsmasq"
        guard FileManager.default.isExecutableFile(atPath: dnsmasq) else {
            throw BenchmarkError("the dns run needs dnsmasq (Debian's dnsmasq-base): \(dnsmasq) is missing")
        }
        guard getuid() == 0 else {
            throw BenchmarkError("the dns run needs root, to give the daemon its own resolv.conf (unshare -m)")
        }
        resolvConf = "\(directory)/resolv.conf"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // glibc's defaults otherwise (timeout:5 attempts:2), as on a machine whose
        // resolv.conf names one local resolver.
        try "nameserver \(Self.address)\n".write(toFile: resolvConf, atomically: true, encoding: .utf8)
        process = try ChildProcess(dnsmasq, [
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
            "--listen-address=\(Self.address)", "--port=53", "--pid-file=\(directory)/dnsmasq.pid",
            "--address=/\(Self.domain)/127.0.0.1", "--log-facility=-",
        ], errors: "\(directory)/dnsmasq.stderr")
        for _ in 0..<100 where !answers() { Thread.sleep(forTimeInterval: 0.05) }
        guard answers() else {
            let log = (try? String(contentsOfFile: "\(directory)/dnsmasq.stderr", encoding: .utf8)) ?? ""
            stop()
            throw BenchmarkError("dnsmasq did not start on \(Self.address):53: \(log)")
        }
    }

    /// How to start `path` with `arguments` so that it uses this resolver.
    func command(_ path: String, _ arguments: [String]) -> (path: String, arguments: [String]) {
        ("/usr/bin/unshare", ["--mount", "/bin/sh", "-c", #"mount --bind "$0" /etc/resolv.conf && exec "$@""#,
                              resolvConf, path] + arguments)
    }

    /// dnsmasq's CPU seconds so far.
    var cpuSeconds: Double {
        guard let pid = process?.pid else { return 0 }
        return ProcessUsage.cpuSeconds(pid)
    }

    func stop() {
        _ = process?.stop()
        process = nil
    }

    private func answers() -> Bool {
        let lookup = command("/usr/bin/getent", ["ahostsv4", "s0.\(Self.domain)"])
        guard let (status, _) = try? ChildProcess.run(lookup.path, lookup.arguments) else { return false }
        return status == 0
    }
}
