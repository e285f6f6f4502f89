#if canImport(Glibc)
import Glibc
#endif

/// Small files read whole (the configuration, password files), with the
/// system's reason when that fails.
enum FileContents {
    static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError(errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit {
                throw FileReadError(message: "larger than the \(Self.describe(limit)) feedwatch reads of such a file; is this the right file?")
            }
        }
    }

    /// `limit` in the largest whole unit: "4 KiB", "64 MiB".
    static func describe(_ limit: Int) -> String {
        limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB"
    }

    /// Whether users other than the owner may read the file (mode & 077).
    static func isReadableByOthers(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & 0o077 != 0
    }
}

struct FileReadError: Error, CustomStringConvertible {
    let description: String

    init(errno code: Int32) {
        description = "cannot read the file: \(String(cString: strerror(code)))"
    }

    init(message: String) { description = message }
}
