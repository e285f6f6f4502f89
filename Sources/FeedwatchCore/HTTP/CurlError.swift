import CCurl

/// A libcurl call that did not succeed: the call (with the option it set, if
/// any), libcurl's result code and libcurl's own words for it.
///
/// Only `Curl` throws it; `HTTPClient` hands it on as an `HTTPError` that names
/// the URL.
struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        /// From a `curl_easy_*` call or a transfer.
        case easy(CURLcode)
        /// From a `curl_multi_*` call.
        case multi(CURLMcode)
        /// From a `curl_share_*` call.
        case share(CURLSHcode)
    }

    /// The call as an administrator would look it up, e.g. `curl_easy_setopt(CURLOPT_MAXREDIRS = -2)`.
    let call: String
    let code: Code

    init(call: String, code: Code) {
        self.call = call
        self.code = code
    }

    /// libcurl's `curl_easy_strerror`/`curl_multi_strerror` text, and the number
    /// to look up in libcurl-errors(3).
    var reason: String {
        switch code {
        case .easy(let code): "\(String(cString: curl_easy_strerror(code))) (CURLcode \(code.rawValue))"
        case .multi(let code): "\(String(cString: curl_multi_strerror(code))) (CURLMcode \(code.rawValue))"
        case .share(let code): "\(String(cString: curl_share_strerror(code))) (CURLSHcode \(code.rawValue))"
        }
    }

    var description: String { "libcurl refused \(call): \(reason)" }
}

extension HTTPError {
    /// A request that failed because libcurl refused a call, not because of the server.
    init(_ error: CurlError, url: String) {
        self.init(kind: .other, url: url, detail: error.description)
    }
}
