#if canImport(Glibc)
import Glibc
#endif

/// Writes straight to file descriptor 2: no shared `FILE*`, one `write` per line,
/// so lines from concurrent tasks never interleave.
public enum StandardError {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
