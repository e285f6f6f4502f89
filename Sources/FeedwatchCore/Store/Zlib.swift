import CZlib

/// zlib's one-shot calls, each result code checked: the only file that calls zlib.
///
/// The store keeps compressed texts in the zlib format (RFC 1950), not raw
/// deflate (RFC 1951): its 2-byte header and Adler-32 checksum cost 6 bytes a
/// text, a fraction of a percent of the texts worth compressing, and the
/// checksum makes a damaged blob fail to inflate instead of inflating to
/// other words.
enum Zlib {
    /// zlib's fastest level: about a third of level 6's time for a few percent more bytes.
    static let fastest: Int32 = 1
    /// zlib's default level (Z_DEFAULT_COMPRESSION).
    static let standard: Int32 = 6

    /// `input` as one zlib stream.
    static func compress(_ input: UnsafeBufferPointer<UInt8>, level: Int32) throws(ZlibError) -> [UInt8] {
        let bound = Int(compressBound(uLong(input.count)))
        var code = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
            var length = uLongf(bound)
            code = compress2(buffer.baseAddress, &length, input.baseAddress, uLong(input.count), level)
            initialized = code == Z_OK ? Int(length) : 0
        }
        guard code == Z_OK else { throw ZlibError(call: "compress2(level \(level))", code: code) }
        return output
    }

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
}
