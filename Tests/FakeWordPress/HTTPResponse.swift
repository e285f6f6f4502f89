/// An HTTP/1.1 response as the fake sends it. `Content-Length` is always set (for `HEAD`, the
/// length of the body a `GET` would get; never for `304`, which has no content) and the
/// connection headers are added when sending.
struct HTTPResponse: Sendable {
    /// How the bytes reach the client; `.truncated`, `.dropConnection` and `.hang` close the
    /// connection.
    enum Delivery: Sendable, Equatable {
        case complete
        /// Headers and only this many bytes of the body.
        case truncated(afterBodyBytes: Int)
        /// Nothing at all.
        case dropConnection
        /// Nothing at all, with the connection kept open (its thread asleep in `poll()`) until the
        /// client hangs up or the server stops.
        case hang
        /// Headers at once, then the whole body in small writes at about this average rate.
        case trickled(bytesPerSecond: Int)
        /// Instead of `body`, exactly this many bytes of generated JSON (`["xxxx…"]`), produced
        /// while writing, so a response of gigabytes costs no memory.
        case oversized(bytes: Int)
    }

    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var delivery = Delivery.complete
    /// When the representation last changed (`post_modified_gmt`, seconds), for a validating
    /// cache in front of the site (`ValidatingCache`); not a header by itself.
    var lastModified: Int64?
    /// Called once, just before the last byte of this response is handed to the kernel (or when
    /// the connection ends without it): the server's "requests in flight" bookkeeping. Before the
    /// last byte, because a client that waits for a whole response before sending its next
    /// request must never be seen overlapping with itself.
    var onAnswered: (@Sendable () -> Void)?

    init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A short plain-text response for protocol errors, always closing the connection.
    static func protocolError(_ status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=UTF-8")],
                     body: Array("\(status) \(reasonPhrase(status))\n".utf8))
    }

    /// The length `Content-Length` announces.
    var contentLength: Int {
        if case .oversized(let bytes) = delivery { return bytes }
        return body.count
    }

    /// 304 (and 1xx/204) responses have no content, so neither a body nor a `Content-Length`.
    var hasContent: Bool { status != 304 && status != 204 && status >= 200 }

    /// Status line, headers and the blank line that ends them.
    func head(keepAlive: Bool, http10: Bool, date: String) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        head += "Date: \(date)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        if hasContent { head += "Content-Length: \(contentLength)\r\n" }
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if http10 {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
