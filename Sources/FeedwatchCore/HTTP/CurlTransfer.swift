import CCurl
import Synchronization

/// One libcurl easy handle and what it has received so far.
///
/// `@unchecked Sendable`: after `CurlMultiLoop.submit` only the loop thread
/// touches the handle and the buffers; other threads only set `cancelled`, which
/// is atomic.
final class CurlTransfer: @unchecked Sendable {
    let handle: Curl.Easy
    let request: HTTPRequest
    let cancelled = Atomic<Bool>(false)
    private let completion: @Sendable (Result<HTTPResponse, HTTPError>) -> Void
    private var body: [UInt8] = []
    private var headers = HTTPHeaders()
    private var bodyTooLarge = false
    private var headerList: Curl.HeaderList?
    /// Allocated in `init` only once nothing before it can throw: an init that
    /// throws before every property is set never runs deinit (ASan found the leak).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// How long a name resolved stays in the multi handle's DNS cache: long
    /// enough for the requests of one sync, short enough that libcurl 7.88's
    /// sweep of the whole cache at every lookup stays small. With its default of
    /// 60 s, 10,000 sites a minute kept 10,000 entries; 2 s took a quiet sync
    /// from 3.6 to 2.4 ms of CPU (docs/benchmarks.md). A changed DNS record is
    /// seen at once.
    static let dnsCacheSeconds = 2

    /// How long a connection may stay idle and still be reused: long enough for
    /// the next request of the same sync, which follows within milliseconds. A
    /// site's next sync comes minutes later, when its server has long closed the
    /// connection (nginx after 75 s, Apache after 5), so keeping it longer would
    /// only hold a descriptor. libcurl counts whole seconds and looks once a
    /// second, so an idle connection is closed 2–3 s after its last use.
    static let idleSeconds = 1

    init(request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, HTTPError>) -> Void) throws(HTTPError) {
        try Self.validate(request)
        do throws(CurlError) {
            handle = try Curl.easyInit()
        } catch {
            throw HTTPError(error, url: request.url)
        }
        self.request = request
        self.completion = completion
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(to: 0)
        // From here on a throw still runs deinit, which frees the handle. A transfer
        // with an option libcurl refused is never started: it would not be the
        // request asked for (without its body, libcurl would even read one from
        // standard input).
        do throws(CurlError) {
            try configure()
        } catch {
            throw HTTPError(error, url: request.url)
        }
    }

    deinit {
        Curl.easyCleanup(handle)
        Curl.free(headerList)
        errorBuffer.deallocate()
    }

    private func configure() throws(CurlError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try Curl.set(handle, CURLOPT_URL, string: request.url)
        try Curl.set(handle, CURLOPT_USERAGENT, string: FeedwatchVersion.userAgent)
        // An empty string asks for every encoding this libcurl can decode.
        try Curl.set(handle, CURLOPT_ACCEPT_ENCODING, string: "")
        try Curl.set(handle, CURLOPT_PROTOCOLS_STR, string: "http,https")
        if let credentials = request.credentials {
            try Curl.set(handle, CURLOPT_HTTPAUTH, long: feedwatch_curlauth_basic())
            try Curl.set(handle, CURLOPT_USERNAME, string: credentials.username)
            try Curl.set(handle, CURLOPT_PASSWORD, string: credentials.password)
            // A redirect must not carry the password to plain http, nor to another
            // origin: off (libcurl's default, set so that it stays so), libcurl sends it
            // only while scheme, host and port are those of the first request (7.83+).
            try Curl.set(handle, CURLOPT_UNRESTRICTED_AUTH, long: 0)
            try Curl.set(handle, CURLOPT_REDIR_PROTOCOLS_STR, string: request.url.hasPrefix("https:") ? "https" : "http,https")
        } else {
            try Curl.set(handle, CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https")
        }
        try Curl.set(handle, CURLOPT_NOSIGNAL, long: 1)
        try Curl.set(handle, CURLOPT_DNS_CACHE_TIMEOUT, long: Self.dnsCacheSeconds)
        try Curl.set(handle, CURLOPT_MAXAGE_CONN, long: Self.idleSeconds)
        if !request.keepsConnection { try Curl.set(handle, CURLOPT_FORBID_REUSE, long: 1) }
        if request.isPlainGet {
            try Curl.set(handle, CURLOPT_FOLLOWLOCATION, long: 1)
            try Curl.set(handle, CURLOPT_MAXREDIRS, long: request.maximumRedirects)
        } else {
            // Following would repeat or drop the body depending on the status: a 3xx
            // is the answer, and the caller decides.
            try Curl.set(handle, CURLOPT_FOLLOWLOCATION, long: 0)
            try setBody(request.body ?? [])
            if request.method != "POST" { try Curl.set(handle, CURLOPT_CUSTOMREQUEST, string: request.method) }
        }
        try Curl.set(handle, CURLOPT_SSL_VERIFYPEER, long: 1)
        try Curl.set(handle, CURLOPT_SSL_VERIFYHOST, long: 2)
        if let caFile = request.caFile { try Curl.set(handle, CURLOPT_CAINFO, string: caFile) }
        // Certificates come from one file, the site's `caFile` or the system's bundle, never
        // also from Debian's default directory (/etc/ssl/certs, the same certificates hashed):
        // a `caFile` is trusted instead of the system's, and libcurl keeps a parsed store from
        // one connection to the next only when no directory is set. Otherwise every new TLS
        // connection parses the system's bundle, some 140 certificates, again.
        try Curl.set(handle, CURLOPT_CAPATH, pointer: nil)
        try Curl.set(handle, CURLOPT_TCP_KEEPALIVE, long: 1)
        try Curl.set(handle, CURLOPT_TIMEOUT_MS, long: Self.milliseconds(request.timeout))
        try Curl.set(handle, CURLOPT_CONNECTTIMEOUT_MS, long: Self.milliseconds(request.connectTimeout))
        try Curl.set(handle, CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(request.maximumBodySize))
        try Curl.set(handle, CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try Curl.set(handle, CURLOPT_WRITEFUNCTION, callback: receiveBody)
        try Curl.set(handle, CURLOPT_WRITEDATA, pointer: context)
        try Curl.set(handle, CURLOPT_HEADERFUNCTION, callback: receiveHeader)
        try Curl.set(handle, CURLOPT_HEADERDATA, pointer: context)
        for header in request.headers {
            // "Name:" alone would make libcurl drop the field; "Name;" sends it empty.
            try appendHeader(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if !request.isPlainGet {
            // "Name:" removes a field libcurl would add: `Expect: 100-continue`, which
            // costs a second's wait with servers that do not answer it, and
            // `Content-Type: application/x-www-form-urlencoded`, which would be a lie.
            let named = Set(request.headers.map { $0.name.lowercased() })
            for name in ["Expect", "Content-Type"] where !named.contains(name.lowercased()) {
                try appendHeader("\(name):")
            }
        }
        if let headerList { try Curl.set(handle, CURLOPT_HTTPHEADER, list: headerList) }
    }

    /// Hands libcurl its own copy of the body, so it outlives the caller's array.
    private func setBody(_ body: [UInt8]) throws(CurlError) {
        // The size first: without it libcurl would measure the bytes with strlen().
        try Curl.set(handle, CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
        let copied = body.withUnsafeBytes { bytes in
            // An empty array may have no storage; libcurl needs an address even for 0 bytes.
            withUnsafeBytes(of: UInt8(0)) { empty in
                Result { () throws(CurlError) in
                    try Curl.set(handle, CURLOPT_COPYPOSTFIELDS, bytes: bytes.baseAddress ?? empty.baseAddress)
                }
            }
        }
        try copied.get()
    }

    private func appendHeader(_ line: String) throws(CurlError) {
        headerList = try Curl.append(line, to: headerList)
    }

    /// Refuses what libcurl would send as something else: a method or header that
    /// is not one field (a line break would start another), or a method whose
    /// response has no body to wait for.
    private static func validate(_ request: HTTPRequest) throws(HTTPError) {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(isTokenByte) else {
            throw HTTPError(kind: .other, url: request.url, detail: "invalid request method \(String(reflecting: request.method))")
        }
        guard request.method != "HEAD", request.method != "CONNECT" else {
            throw HTTPError(kind: .other, url: request.url, detail: "\(request.method) requests are not supported")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(isTokenByte) else {
                throw HTTPError(kind: .other, url: request.url, detail: "invalid header name \(String(reflecting: header.name))")
            }
            guard header.value.utf8.allSatisfy({ $0 != 0x0D && $0 != 0x0A && $0 != 0 }) else {
                throw HTTPError(kind: .other, url: request.url,
                                detail: "the value of header \(header.name) contains a line break or NUL")
            }
        }
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    fileprivate func append(body chunk: UnsafeRawBufferPointer) -> Int {
        if body.count + chunk.count > request.maximumBodySize {
            bodyTooLarge = true
            return 0  // tells libcurl to abort the transfer
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    fileprivate func append(headerLine chunk: UnsafeRawBufferPointer) -> Int {
        headers.consume(line: String(decoding: chunk, as: UTF8.self))
        return chunk.count
    }

    /// Called on the loop thread once libcurl has finished with the transfer.
    func finish(_ code: CURLcode) {
        completion(result(for: code))
    }

    func fail(_ error: HTTPError) {
        completion(.failure(error))
    }

    private func result(for code: CURLcode) -> Result<HTTPResponse, HTTPError> {
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        do throws(CurlError) {
            let status = try Curl.responseCode(handle)
            let url = try Curl.effectiveURL(handle) ?? request.url
            return .success(HTTPResponse(status: status, headers: headers, body: body, url: url))
        } catch {
            return .failure(HTTPError(error, url: request.url))
        }
    }

    private func error(for code: CURLcode) -> HTTPError {
        let reported = String(cString: errorBuffer)
        let detail = reported.isEmpty ? Curl.describe(code) : reported
        let kind: HTTPError.Kind
        let message: String
        switch code {
        case CURLE_WRITE_ERROR where bodyTooLarge, CURLE_FILESIZE_EXCEEDED:
            kind = .bodyTooLarge
            message = "the response is larger than the limit of \(request.maximumBodySize) bytes"
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_RECV_ERROR,
             CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            kind = .connectionFailed
            message = "cannot reach the server: \(detail)"
        case CURLE_PARTIAL_FILE:
            kind = .connectionFailed
            message = "the connection closed before the whole response arrived: \(detail)"
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
            message = "no complete answer within \(Self.milliseconds(request.timeout) / 1000)s: \(detail)"
        case CURLE_SSL_CACERT_BADFILE:
            kind = .tlsFailed
            message = "cannot use the CA file \(request.caFile ?? "of the system") to verify the server: \(detail)"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM:
            kind = .tlsFailed
            message = "TLS failed, the certificate was not accepted (feedwatch always verifies certificates): \(detail)"
        case CURLE_TOO_MANY_REDIRECTS:
            kind = .tooManyRedirects
            message = "more than \(request.maximumRedirects) redirects: \(detail)"
        default:
            kind = .other
            message = detail
        }
        return HTTPError(kind: kind, url: request.url, detail: message)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

private let receiveBody: feedwatch_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.append(body: UnsafeRawBufferPointer(start: data, count: size * count))
}

private let receiveHeader: feedwatch_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.append(headerLine: UnsafeRawBufferPointer(start: data, count: size * count))
}
