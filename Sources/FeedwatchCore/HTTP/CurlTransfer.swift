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
        guard let handle = curl_easy_init() else {
            throw HTTPError(kind: .other, url: request.url, detail: "libcurl could not create a transfer (out of memory?)")
        }
        self.handle = handle
        self.request = request
        self.completion = completion
        errorBuffer.initialize(to: 0)
        configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    private func configure() {
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
            // A redirect must not carry the password to plain http.
            setString(CURLOPT_REDIR_PROTOCOLS_STR, request.url.hasPrefix("https:") ? "https" : "http,https")
        } else {
            setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        }
        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_FOLLOWLOCATION, 1)
        setLong(CURLOPT_MAXREDIRS, request.maximumRedirects)
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
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        if let headerList { _ = feedwatch_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
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
