import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A file other programs read while feedwatch rewrites it (the feed, the
/// metrics): written whole to a temporary file beside it, flushed to disk, then
/// renamed over it, so a reader sees the old file or the new one, never part
/// of one, and a crash or a full disk leaves the old one in place.
enum OutputFile {
    /// File system calls block: they run here, off the cooperative pool.
    private static let queue = DispatchQueue(label: "feedwatch.output-files")

    static func replace(_ path: String, with bytes: [UInt8]) async throws(OutputFileError) {
        let result: Result<Void, OutputFileError> = await withCheckedContinuation { done in
            queue.async { done.resume(returning: Result { () throws(OutputFileError) in try write(bytes, to: path) }) }
        }
        try result.get()
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let temporary = "\(directory)/.\(path[path.index(after: slash)...]).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFileError(path: path, errno: errno, doing: "creating \(temporary)") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw OutputFileError(path: path, errno: code, doing: "writing \(temporary)")
            }
            written += count
        }
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            unlink(temporary)
            throw OutputFileError(path: path, errno: code, doing: "flushing \(temporary) to disk")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputFileError(path: path, errno: code, doing: "renaming \(temporary) over it")
        }
        // The rename itself reaches the disk with the directory.
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}

/// Why an output file could not be written, for the journal.
struct OutputFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    init(path: String, errno code: Int32, doing step: String) {
        self.path = path
        reason = "\(step): \(String(cString: strerror(code)))"
    }

    var description: String { "cannot write \(path) (\(reason)); the previous file, if any, is left as it was" }
}
