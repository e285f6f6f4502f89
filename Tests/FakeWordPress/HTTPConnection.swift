/// Serves one client connection: parses requests as bytes arrive (whatever the packet
/// boundaries, pipelining included), answers them in order, and keeps the connection open until
/// the client closes it or asks to, sends something malformed, or the server stops.
struct HTTPConnection {
    let descriptor: Int32
    let latch: StopLatch
    let handler: @Sendable (HTTPRequest) -> HTTPResponse

    func run() {
        var buffer: [UInt8] = []
        while true {
            switch HTTPRequestParser.parse(buffer) {
            case .needMoreData:
                guard Socket.waitReadable(descriptor, unless: latch),
                      Socket.receive(descriptor, into: &buffer) > 0
                else { return }
            case .failure(let status):
                let response = HTTPResponse.protocolError(status)
                _ = Socket.sendAll(descriptor, response.serialized(
                    omitBody: false, keepAlive: false, http10: false, date: WPTime.httpDate(WPTime.now())))
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                let response = handler(request)
                if case .dropConnection = response.delivery { return }
                let keepAlive: Bool = if case .complete = response.delivery { request.keepAlive } else { false }
                let bytes = response.serialized(
                    omitBody: request.method == "HEAD", keepAlive: keepAlive, http10: request.isHTTP10,
                    date: WPTime.httpDate(WPTime.now()))
                guard Socket.sendAll(descriptor, bytes), keepAlive else { return }
            }
        }
    }
}
