import CZlib

/// A zlib call that did not succeed: the call, zlib's result code and zlib's
/// own words for it (`zError`). Only `Zlib` throws it.
struct ZlibError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call, e.g. `uncompress`.
    let call: String
    /// The `Z_*` result code.
    let code: Int32
    /// What went wrong beyond the code, when zlib's words do not say it.
    let detail: String?

    init(call: String, code: Int32, detail: String? = nil) {
        self.call = call
        self.code = code
        self.detail = detail
    }

    /// The code's name as zlib.h spells it, to look up in zlib's manual.
    var name: String {
        switch code {
        case Z_OK: "Z_OK"
        case Z_STREAM_END: "Z_STREAM_END"
        case Z_NEED_DICT: "Z_NEED_DICT"
        case Z_ERRNO: "Z_ERRNO"
        case Z_STREAM_ERROR: "Z_STREAM_ERROR"
        case Z_DATA_ERROR: "Z_DATA_ERROR"
        case Z_MEM_ERROR: "Z_MEM_ERROR"
        case Z_BUF_ERROR: "Z_BUF_ERROR"
        case Z_VERSION_ERROR: "Z_VERSION_ERROR"
        default: "zlib code \(code)"
        }
    }

    var description: String {
        let words = String(cString: zError(code))
        return "zlib's \(call) failed: \(detail ?? words) (\(name))"
    }
}
