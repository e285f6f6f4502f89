import Foundation

/// Parses HTTP/1.x requests from the bytes received so far, however they were split into reads.
///
/// Bounded: a header section over 64 KiB is refused with 431, a body over 1 MiB with 413, and
/// anything malformed with 400; after such an answer the connection is closed. Pipelined
/// requests are parsed one at a time from the same buffer.
enum HTTPRequestParser {
    enum Outcome {
        case needMoreData
        /// A request and the number of buffer bytes it used.
        case request(HTTPRequest, consumed: Int)
        /// A status to answer with before closing.
        case failure(status: Int)
    }

    static let maxHeaderBytes = 64 * 1024
    static let maxBodyBytes = 1024 * 1024
    private static let maxRequestLineBytes = 8 * 1024

    /// `bodyLimit` is `maxBodyBytes` unless a server that takes larger bodies says otherwise.
    static func parse(_ buffer: [UInt8], bodyLimit: Int = HTTPRequestParser.maxBodyBytes) -> Outcome {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var start = 0
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1 }
        guard let headerEnd = findHeaderEnd(buffer, from: start) else {
            if let lineEnd = buffer[start...].firstIndex(of: 0x0A), lineEnd - start > maxRequestLineBytes {
                return .failure(status: 414)
            }
            return buffer.count - start > maxHeaderBytes ? .failure(status: 431) : .needMoreData
        }
        guard headerEnd.contentEnd - start <= maxHeaderBytes else { return .failure(status: 431) }
        // Split on LF bytes (a String would fuse CR LF into one Character), drop the CR, and read
        // each line as ISO-8859-1, so every byte maps to one character and nothing fails to decode.
        var lines = buffer[start..<headerEnd.contentEnd].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            Substring(String((line.last == 0x0D ? line.dropLast() : line).map { Character(Unicode.Scalar($0)) }))
        }
        let requestLine = lines.removeFirst()
        guard requestLine.count <= maxRequestLineBytes else { return .failure(status: 414) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenCharacter),
              isValidTarget(parts[1])
        else { return .failure(status: 400) }
        guard parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            return .failure(status: parts[2].hasPrefix("HTTP/") ? 505 : 400)
        }

        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .failure(status: 400) }
            let name = line[..<colon]
            // Obsolete line folding and whitespace before the colon are both rejected (RFC 9112 §5).
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else { return .failure(status: 400) }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            guard value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
                return .failure(status: 400)
            }
            headers.append((name.lowercased(), value))
        }

        let isHTTP10 = parts[2] == "HTTP/1.0"
        let hosts = headers.filter { $0.name == "host" }
        guard hosts.count <= 1, isHTTP10 || hosts.count == 1 else { return .failure(status: 400) }
        // Chunked request bodies are not supported; nothing a polling client sends has a body.
        guard !headers.contains(where: { $0.name == "transfer-encoding" }) else { return .failure(status: 501) }
        let lengths = Set(headers.filter { $0.name == "content-length" }.map(\.value))
        guard lengths.count <= 1 else { return .failure(status: 400) }
        var bodyLength = 0
        if let length = lengths.first {
            guard !length.isEmpty, length.count <= 10, length.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(length) else { return .failure(status: 400) }
            guard parsed <= bodyLimit else { return .failure(status: 413) }
            bodyLength = parsed
        }
        guard buffer.count - headerEnd.bodyStart >= bodyLength else { return .needMoreData }

        let request = HTTPRequest(
            method: String(parts[0]), target: String(parts[1]), isHTTP10: isHTTP10, headers: headers,
            body: Array(buffer[headerEnd.bodyStart..<headerEnd.bodyStart + bodyLength]))
        return .request(request, consumed: headerEnd.bodyStart + bodyLength)
    }

    /// Where the header section ends: after the line feed that closes the last header line, and
    /// after the empty line that follows it (CRLF or a bare LF, which RFC 9112 lets servers accept).
    private static func findHeaderEnd(_ buffer: [UInt8], from start: Int) -> (contentEnd: Int, bodyStart: Int)? {
        var index = start
        while let lineFeed = buffer[index...].firstIndex(of: 0x0A) {
            let next = lineFeed + 1
            if next < buffer.count, buffer[next] == 0x0A { return (lineFeed, next + 1) }
            if next + 1 < buffer.count, buffer[next] == 0x0D, buffer[next + 1] == 0x0A { return (lineFeed, next + 2) }
            if next >= buffer.count || (buffer[next] == 0x0D && next + 1 >= buffer.count) { return nil }
            index = next
        }
        return nil
    }

    private static func isTokenCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, ascii > 0x20, ascii < 0x7F else { return false }
        return !"\"(),/:;<=>?@[\\]{}".contains(character)
    }

    /// Origin form (`/path?query`), absolute form (`http://host/path`) or `*`, in visible ASCII.
    private static func isValidTarget(_ target: Substring) -> Bool {
        guard !target.isEmpty, target.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return false }
        return target.hasPrefix("/") || target.hasPrefix("http://") || target.hasPrefix("https://") || target == "*"
    }
}
