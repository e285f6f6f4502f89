import CZlib

/// zlib's calls, each result code checked: the only file that calls zlib.
///
/// The store keeps compressed texts in the zlib format (RFC 1950), not raw
/// deflate (RFC 1951): its 2-byte header and Adler-32 checksum cost 6 bytes a
/// text, a fraction of a percent of the texts worth compressing, and the
/// checksum makes a damaged blob fail to inflate instead of inflating to
/// other words.
enum Zlib {
    /// zlib's default level, what Z_DEFAULT_COMPRESSION means.
    static let standard: Int32 = 6

    /// The `size` bytes that the zlib stream `input` holds.
    ///
    /// Throws when the stream is damaged (`Z_DATA_ERROR`: a bad header, bad
    /// data, a checksum that does not match), holds more than `size` bytes
    /// (`Z_BUF_ERROR`) or fewer.
    static func decompress(_ input: UnsafeRawBufferPointer, size: Int) throws(ZlibError) -> [UInt8] {
        // Deflate holds at most 1,032 bytes a byte: a larger size is damage, not a buffer to allocate.
        guard size >= 0, size <= input.count * 1032 + 16 else {
            throw ZlibError(call: "uncompress", code: Z_DATA_ERROR,
                            detail: "\(input.count) bytes of zlib stream cannot hold the \(size) bytes expected")
        }
        var code = Z_OK
        var length = uLongf(size)
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            code = uncompress(buffer.baseAddress, &length, input.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(input.count))
            initialized = code == Z_OK ? Int(length) : 0
        }
        guard code == Z_OK else { throw ZlibError(call: "uncompress", code: code) }
        guard output.count == size else {
            throw ZlibError(call: "uncompress", code: Z_DATA_ERROR,
                            detail: "the stream holds \(output.count) bytes, not the \(size) expected")
        }
        return output
    }

    /// A deflate stream kept from text to text. (`compress2` allocates and
    /// clears about 270 KB of state at every call, which glibc maps afresh,
    /// being above its mmap threshold: the page faults were a sixth of an
    /// ingest's CPU.) One owner at a time, like the transaction it serves.
    final class Compressor {
        private let stream: UnsafeMutablePointer<z_stream>

        init(level: Int32) throws(ZlibError) {
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // On a failure deinit still runs (every property is set), and frees the stream.
            let code = feedwatch_deflate_init(stream, level)
            guard code == Z_OK else { throw ZlibError(call: "deflateInit(level \(level))", code: code) }
        }

        deinit {
            // Z_STREAM_ERROR (never initialized) or Z_DATA_ERROR (a deflate left
            // unfinished by a failure) say only what the state was: it is freed
            // either way, and a deinit has no one to tell.
            _ = deflateEnd(stream)
            stream.deallocate()
        }

        /// `input` as one zlib stream.
        func compress(_ input: UnsafeBufferPointer<UInt8>) throws(ZlibError) -> [UInt8] {
            guard input.count <= Int(UInt32.max) else {
                throw ZlibError(call: "deflate", code: Z_BUF_ERROR, detail: "\(input.count) bytes is more than one call takes")
            }
            var code = deflateReset(stream)
            guard code == Z_OK else { throw ZlibError(call: "deflateReset", code: code) }
            // Room for the whole stream, so one deflate(Z_FINISH) ends it.
            let bound = Int(deflateBound(stream, uLong(input.count)))
            let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = uInt(input.count)
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(bound)
                code = deflate(stream, Z_FINISH)
                initialized = code == Z_STREAM_END ? bound - Int(stream.pointee.avail_out) : 0
            }
            guard code == Z_STREAM_END else { throw ZlibError(call: "deflate(Z_FINISH)", code: code) }
            return output
        }
    }
}
