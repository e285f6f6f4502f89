/// An HTTP/1.1 response as the fake sends it. `Content-Length` is always set (for `HEAD`, the
/// length of the body a `GET` would get) and the connection headers are added when sending.
struct HTTPResponse: Sendable {
    /// How the bytes reach the client; anything but `.complete` closes the connection.
    enum Delivery: Sendable {
        case complete
        /// Headers and only this many bytes of the body.
        case truncated(afterBodyBytes: Int)
        /// Nothing at all.
        case dropConnection
    }

    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var delivery = Delivery.complete

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

    /// The bytes to write: status line, headers, blank line and, unless `omitBody`, the body.
    func serialized(omitBody: Bool, keepAlive: Bool, http10: Bool, date: String) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        head += "Date: \(date)\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        if !keepAlive {
            head += "Connection: close\r\n"
        } else if http10 {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        guard !omitBody else { return bytes }
        switch delivery {
        case .complete: bytes += body
        case .truncated(let count): bytes += body.prefix(count)
        case .dropConnection: return []
        }
        return bytes
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
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
