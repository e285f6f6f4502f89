/// Serves one client connection: parses requests as bytes arrive (whatever the packet
/// boundaries, pipelining included), answers them in order, and keeps the connection open until
/// the client closes it or asks to, sends something malformed, or the server stops.
struct HTTPConnection {
    let descriptor: Int32
    let latch: StopLatch
    /// Larger request bodies are answered 413.
    var bodyLimit = HTTPRequestParser.maxBodyBytes
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    /// Told of every response byte written, for `FakeWordPressServer.bytesSent`.
    let wrote: @Sendable (Int) -> Void

    func run() {
        let writer = ResponseWriter(descriptor: descriptor, latch: latch, counted: wrote)
        var buffer: [UInt8] = []
        while true {
            switch HTTPRequestParser.parse(buffer, bodyLimit: bodyLimit) {
            case .needMoreData:
                guard Socket.waitReadable(descriptor, unless: latch),
                      Socket.receive(descriptor, into: &buffer) > 0
                else { return }
            case .failure(let status):
                _ = writer.write(HTTPResponse.protocolError(status), omitBody: false, keepAlive: false, http10: false)
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                let response = handler(request)
                let keepAlive = switch response.delivery {
                case .complete, .trickled, .oversized: request.keepAlive
                case .truncated, .dropConnection, .hang: false
                }
                let completed = writer.write(response, omitBody: request.method == "HEAD", keepAlive: keepAlive,
                                             http10: request.isHTTP10)
                guard completed, keepAlive else { return }
            }
        }
    }
}
