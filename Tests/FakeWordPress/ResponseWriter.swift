import Glibc

/// Writes one response to a client socket the way its `delivery` asks: at once, cut short, not at
/// all, trickled, or as a generated oversized body. Slow and large writes stop as soon as the
/// server stops or the client goes away, so neither `stop()` nor a test waits for them.
struct ResponseWriter {
    let descriptor: Int32
    let latch: StopLatch
    /// Told of every byte put on the wire, for `FakeWordPressServer.bytesSent`: before each write
    /// (and corrected after a short one), so a client that has read a whole response never sees
    /// a count that leaves its last bytes out.
    let counted: @Sendable (Int) -> Void

    /// Returns whether the whole response went out, so the connection may carry another request.
    func write(_ response: HTTPResponse, omitBody: Bool, keepAlive: Bool, http10: Bool) -> Bool {
        var answered = false
        func answer() {
            if !answered { response.onAnswered?() }
            answered = true
        }
        defer { answer() }
        switch response.delivery {
        case .dropConnection:
            return false
        case .hang:
            _ = Socket.pause(descriptor, milliseconds: -1, unless: latch)
            return false
        default:
            break
        }

        let head = response.head(keepAlive: keepAlive, http10: http10, date: WPTime.httpDate(WPTime.now()))
        guard !omitBody, response.hasContent else {
            answer()
            return send(head)
        }
        switch response.delivery {
        case .complete, .dropConnection, .hang:
            answer()
            return send(head + response.body)
        case .truncated(let count):
            answer()
            _ = send(head + response.body.prefix(count))
            return false
        case .trickled(let rate):
            return trickle(response.body, head: head, bytesPerSecond: max(1, rate), beforeLastWrite: answer)
        case .oversized(let count):
            return generate(count, head: head, beforeLastWrite: answer)
        }
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        counted(bytes.count)
        let written = Socket.sendAll(descriptor, bytes)
        if written < bytes.count { counted(written - bytes.count) }
        return written == bytes.count
    }

    /// About twenty writes a second, each sent when the average rate allows it, so a test at
    /// 10 bytes/s sees 1 byte every 100 ms and one at 1 MB/s sees 50 KB every 50 ms.
    private func trickle(_ body: [UInt8], head: [UInt8], bytesPerSecond rate: Int,
                         beforeLastWrite: () -> Void) -> Bool {
        if body.isEmpty { beforeLastWrite() }
        guard send(head) else { return false }
        let chunk = max(1, rate / 20)
        let start = monotonicMilliseconds()
        var sent = 0
        while sent < body.count {
            let due = start + Int64(sent) * 1000 / Int64(rate)
            let wait = due - monotonicMilliseconds()
            if wait > 0 {
                switch Socket.pause(descriptor, milliseconds: Int32(min(wait, 60_000)), unless: latch) {
                case .elapsed: continue
                case .stopped, .peerClosed: return false
                }
            }
            let end = min(body.count, sent + chunk)
            if end == body.count { beforeLastWrite() }
            guard send(Array(body[sent..<end])) else { return false }
            sent = end
        }
        return true
    }

    /// `["xxx…"]` of exactly `count` bytes (a prefix of it below 4 bytes), in 64 KiB writes.
    private func generate(_ count: Int, head: [UInt8], beforeLastWrite: () -> Void) -> Bool {
        if count == 0 { beforeLastWrite() }
        guard send(head) else { return false }
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        let opening = Array("[\"".utf8), closing = Array("\"]".utf8)
        var position = 0
        while position < count {
            guard !latch.isSignalled else { return false }
            let length = min(filler.count, count - position)
            var piece = Array(filler[..<length])
            for (offset, byte) in opening.enumerated() where offset >= position && offset < position + length {
                piece[offset - position] = byte
            }
            if count >= 4 {
                for (offset, byte) in closing.enumerated() {
                    let at = count - 2 + offset
                    if at >= position && at < position + length { piece[at - position] = byte }
                }
            }
            if position + length == count { beforeLastWrite() }
            guard send(piece) else { return false }
            position += length
        }
        return true
    }

    private func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
