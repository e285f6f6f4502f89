import CCurl
import Synchronization

/// One libcurl easy handle and what it has received so far.
///
/// `@unchecked Sendable`: after `CurlMultiLoop.submit` only the loop thread
/// touches the handle and the buffers; other threads only set `cancelled`, which
/// is atomic.
final class CurlTransfer: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let request: HTTPRequest
    let cancelled = Atomic<Bool>(false)
    private let completion: @Sendable (Result<HTTPResponse, HTTPError>) -> Void
    private var body: [UInt8] = []
    private var headers = HTTPHeaders()
    private var bodyTooLarge = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, HTTPError>) -> Void) throws(HTTPError) {
        try Self.validate(request)
        guard let handle = curl_easy_init() else {
            throw HTTPError(kind: .other, url: request.url, detail: "libcurl could not create a transfer (out of memory?)")
        }
        self.handle = handle
        self.request = request
        self.completion = completion
        errorBuffer.initialize(to: 0)
        // From here on a throw still runs deinit, which frees the handle.
        try configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure() throws(HTTPError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        setString(CURLOPT_URL, request.url)
        setString(CURLOPT_USERAGENT, FeedwatchVersion.userAgent)
        // An empty string asks for every encoding this libcurl can decode.
        setString(CURLOPT_ACCEPT_ENCODING, "")
        setString(CURLOPT_PROTOCOLS_STR, "http,https")
        if let credentials = request.credentials {
            setLong(CURLOPT_HTTPAUTH, feedwatch_curlauth_basic())
            setString(CURLOPT_USERNAME, credentials.username)
            setString(CURLOPT_PASSWORD, credentials.password)
            // A redirect must not carry the password to plain http, nor to another
            // origin: off (libcurl's default, set so that it stays so), libcurl sends it
            // only while scheme, host and port are those of the first request (7.83+).
            setLong(CURLOPT_UNRESTRICTED_AUTH, 0)
            setString(CURLOPT_REDIR_PROTOCOLS_STR, request.url.hasPrefix("https:") ? "https" : "http,https")
        } else {
            setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        }
        setLong(CURLOPT_NOSIGNAL, 1)
        if request.isPlainGet {
            setLong(CURLOPT_FOLLOWLOCATION, 1)
            setLong(CURLOPT_MAXREDIRS, request.maximumRedirects)
        } else {
            // Following would repeat or drop the body depending on the status: a 3xx
            // is the answer, and the caller decides.
            setLong(CURLOPT_FOLLOWLOCATION, 0)
            try setBody(request.body ?? [])
            if request.method != "POST" { setString(CURLOPT_CUSTOMREQUEST, request.method) }
        }
        setLong(CURLOPT_SSL_VERIFYPEER, 1)
        setLong(CURLOPT_SSL_VERIFYHOST, 2)
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        _ = feedwatch_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maximumBodySize))
        _ = feedwatch_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = feedwatch_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION, receiveBody)
        _ = feedwatch_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = feedwatch_easy_setopt_callback(handle, CURLOPT_HEADERFUNCTION, receiveHeader)
        _ = feedwatch_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
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
        if let headerList { _ = feedwatch_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
    }

    /// Hands libcurl its own copy of the body, so it outlives the caller's array.
    private func setBody(_ body: [UInt8]) throws(HTTPError) {
        // The size first: without it libcurl would measure the bytes with strlen().
        var code = feedwatch_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        if code == CURLE_OK {
            code = body.withUnsafeBytes { bytes in
                // An empty array may have no storage; libcurl needs an address even for 0 bytes.
                withUnsafeBytes(of: UInt8(0)) { empty in
                    feedwatch_easy_setopt_bytes(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? empty.baseAddress)
                }
            }
        }
        // Without its body libcurl would read one from standard input: never start it.
        guard code == CURLE_OK else {
            throw HTTPError(kind: .other, url: request.url,
                            detail: "libcurl could not take the request body: \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func appendHeader(_ line: String) throws(HTTPError) {
        guard let list = curl_slist_append(headerList, line) else {
            throw HTTPError(kind: .other, url: request.url, detail: "libcurl could not add a header (out of memory?)")
        }
        headerList = list
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
        var status = 0
        _ = feedwatch_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        _ = feedwatch_easy_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let url = effective.map { String(cString: $0) } ?? request.url
        return .success(HTTPResponse(status: status, headers: headers, body: body, url: url))
    }

    private func error(for code: CURLcode) -> HTTPError {
        let reported = String(cString: errorBuffer)
        let detail = reported.isEmpty ? String(cString: curl_easy_strerror(code)) : reported
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
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
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

    private func setLong(_ option: CURLoption, _ value: Int) {
        _ = feedwatch_easy_setopt_long(handle, option, value)
    }

    private func setString(_ option: CURLoption, _ value: String) {
        _ = feedwatch_easy_setopt_string(handle, option, value)  // libcurl copies strings
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
