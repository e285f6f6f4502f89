import Foundation

/// A farm of WordPress-shaped sites served by one nginx (Debian's package) on
/// 127.0.0.1, over http and https, cheap enough that the machine's CPU goes
/// to feedwatch: site `i` is `s<i>.farm.localhost`, which libcurl resolves to
/// loopback itself (no resolver, no hosts file), and every site is its own
/// origin, so connections and TLS sessions are kept apart as for real sites.
///
/// Each site answers what feedwatch asks of WordPress: the front page with the
/// REST API's `Link` header; the posts listing with one post whose text names
/// the site (so nothing is shared between sites in the database); `[]` with
/// `X-WP-Total: 0` to a `modified_after` question, as WordPress answers when
/// nothing changed; and WordPress's `rest_post_invalid_page_number` error past
/// the last page.
public final class NginxFarm {
    public let httpPort: Int
    public let httpsPort: Int
    /// The farm's test CA, for the sites' `caFile`.
    public let caFile: String
    private let directory: String
    private var process: ChildProcess?

    /// Why the farm did not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts nginx with its files (configuration, certificates, logs) in `directory`.
    public init(directory: String) throws {
        self.directory = directory
        httpPort = try LoopbackPort.free()
        httpsPort = try LoopbackPort.free()
        caFile = "\(directory)/ca.pem"
        try makeCertificates()
        try config.write(toFile: "\(directory)/nginx.conf", atomically: true, encoding: .utf8)
        process = try ChildProcess("/usr/sbin/nginx", ["-c", "\(directory)/nginx.conf", "-p", directory],
                                   errors: "\(directory)/nginx.stderr")
        for _ in 0..<100 where !(LoopbackPort.accepts(httpPort) && LoopbackPort.accepts(httpsPort)) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard LoopbackPort.accepts(httpPort), LoopbackPort.accepts(httpsPort) else {
            let log = (try? String(contentsOfFile: "\(directory)/error.log", encoding: .utf8)) ?? ""
            stop()
            throw NginxFarm.StartError("nginx did not start: \(log)")
        }
    }

    public func url(site index: Int, https: Bool) -> String {
        https ? "https://s\(index).farm.localhost:\(httpsPort)/" : "http://s\(index).farm.localhost:\(httpPort)/"
    }

    /// A site whose every page is WordPress's PHP fatal error page, HTTP 500.
    public func brokenURL(site index: Int) -> String {
        "http://s\(index).farm.localhost:\(httpPort)/broken/"
    }

    /// The nginx processes' CPU seconds so far (master and worker).
    public var cpuSeconds: Double {
        guard let pid = process?.pid else { return 0 }
        return ProcessUsage.cpuSecondsOfGroup(pid)
    }

    public func stop() {
        _ = process?.stop()
        process = nil
    }

    /// A CA and a certificate for `*.farm.localhost` it signed, RSA 2048 as most
    /// sites still have: the server sends its certificate and the CA's.
    private func makeCertificates() throws {
        let openssl = "/usr/bin/openssl"
        let key = "\(directory)/ca.key", serverKey = "\(directory)/server.key"
        try run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", caFile, "-days", "2",
                          "-subj", "/CN=feedwatch scale-benchmark CA"])
        try run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey, "-out", "\(directory)/server.csr",
                          "-subj", "/CN=farm.localhost"])
        try "subjectAltName=DNS:*.farm.localhost\n".write(toFile: "\(directory)/san.ext", atomically: true, encoding: .utf8)
        try run(openssl, ["x509", "-req", "-in", "\(directory)/server.csr", "-CA", caFile, "-CAkey", key, "-CAcreateserial",
                          "-days", "2", "-extfile", "\(directory)/san.ext", "-out", "\(directory)/server.crt"])
        let chain = try String(contentsOfFile: "\(directory)/server.crt", encoding: .utf8)
            + String(contentsOfFile: caFile, encoding: .utf8)
        try chain.write(toFile: "\(directory)/server-chain.pem", atomically: true, encoding: .utf8)
    }

    private func run(_ path: String, _ arguments: [String]) throws {
        let (status, output) = try ChildProcess.run(path, arguments, mergeErrors: true)
        guard status == 0 else { throw NginxFarm.StartError("\(path) \(arguments.joined(separator: " ")): \(output)") }
    }

    private var config: String {
        let post = #"[{"id":1,"modified_gmt":"2026-12-01T10:00:00","status":"publish","slug":"hello","#
            + #""link":"$scheme://$http_host/2026/12/01/hello/","title":{"rendered":"Hello from $host"},"#
            + #""content":{"rendered":"<p>This is the one post of $host. "#
            + String(repeating: "Its text is long enough to be a short post, as a site would publish it. ", count: 20)
            + #"</p>\\n","protected":false},"excerpt":{"rendered":"<p>The one post of $host.</p>\\n","protected":false},"#
            + #""author":1,"featured_media":0,"categories":[1],"tags":[]}]"#
        let invalidPage = #"{"code":"rest_post_invalid_page_number","#
            + #""message":"The page number requested is larger than the number of pages available.","data":{"status":400}}"#
        return """
            worker_processes 1;
            worker_rlimit_nofile 65536;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 16384; }
            http {
                access_log off;
                client_body_temp_path \(directory)/client_body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                keepalive_timeout 75s;
                ssl_session_cache shared:farm:64m;
                ssl_session_timeout 1h;
                server {
                    listen 127.0.0.1:\(httpPort);
                    listen 127.0.0.1:\(httpsPort) ssl;
                    ssl_certificate \(directory)/server-chain.pem;
                    ssl_certificate_key \(directory)/server.key;
                    default_type application/json;
                    location = / {
                        default_type text/html;
                        add_header Link '<$scheme://$http_host/wp-json/>; rel="https://api.w.org/"';
                        return 200 '<!DOCTYPE html><html><head><title>$host</title></head><body><p>A WordPress-shaped front page.</p></body></html>';
                    }
                    location /broken/ {
                        default_type text/html;
                        return 500 '<!DOCTYPE html><html><head><title>WordPress &rsaquo; Error</title></head><body><p>There has been a critical error on this website.</p></body></html>';
                    }
                    location = /wp-json/wp/v2/posts {
                        if ($arg_modified_after) {
                            add_header X-WP-Total 0;
                            add_header X-WP-TotalPages 0;
                            return 200 '[]';
                        }
                        if ($arg_page != 1) {
                            return 400 '\(invalidPage)';
                        }
                        add_header X-WP-Total 1;
                        add_header X-WP-TotalPages 1;
                        return 200 '\(post)';
                    }
                }
            }

            """
    }
}
