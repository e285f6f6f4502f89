import CCurl

/// Every libcurl call feedwatch makes, each one checked: a result other than
/// `CURLE_OK`/`CURLM_OK` (or a NULL handle) becomes a `CurlError` naming the
/// call, the option and libcurl's code, so no caller can drop one by accident.
/// swift-nio's `System.swift` is the model: C in one file, Swift errors out.
///
/// The variadic `curl_easy_setopt`/`curl_easy_getinfo` are reached through the
/// typed wrappers of `Sources/CCurl/shim.h`; each Swift function here takes the
/// value type its options expect. Handles are raw pointers (`CURL *` and
/// `CURLM *` import as `UnsafeMutableRawPointer`); who owns them is the
/// callers' business (`CurlTransfer`, `CurlMultiLoop`).
enum Curl {
    typealias Easy = UnsafeMutableRawPointer
    typealias Multi = UnsafeMutableRawPointer
    typealias HeaderList = UnsafeMutablePointer<curl_slist>
    typealias Share = UnsafeMutableRawPointer

    // MARK: - Library

    /// `curl_global_init` runs once per process, whoever asks first.
    private static let globalInitialization = curl_global_init(feedwatch_curl_global_default())

    static func initialize() throws(CurlError) {
        try check(globalInitialization, "curl_global_init")
    }

    // MARK: - Multi handles

    static func multiInit() throws(CurlError) -> Multi {
        guard let multi = curl_multi_init() else {
            throw CurlError(call: "curl_multi_init", code: .multi(CURLM_OUT_OF_MEMORY))
        }
        return multi
    }

    /// The multi handle must have no easy handles left, and no other thread may
    /// use it any more.
    static func multiCleanup(_ multi: Multi) throws(CurlError) {
        try check(curl_multi_cleanup(multi), "curl_multi_cleanup")
    }

    static func add(_ easy: Easy, to multi: Multi) throws(CurlError) {
        try check(curl_multi_add_handle(multi, easy), "curl_multi_add_handle")
    }

    static func remove(_ easy: Easy, from multi: Multi) throws(CurlError) {
        try check(curl_multi_remove_handle(multi, easy), "curl_multi_remove_handle")
    }

    /// libcurl's multi_socket API: `socket` is called with the sockets to watch
    /// and for what, `timer` with when `socketAction(_:timeout)` is next due; both
    /// get `context`, and are called only from within the multi handle's calls.
    static func drive(_ multi: Multi, socket: curl_socket_callback, timer: curl_multi_timer_callback,
                      context: UnsafeMutableRawPointer) throws(CurlError) {
        try check(feedwatch_multi_setopt_socket_callback(multi, socket), "curl_multi_setopt(CURLMOPT_SOCKETFUNCTION)")
        try check(feedwatch_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context), "curl_multi_setopt(CURLMOPT_SOCKETDATA)")
        try check(feedwatch_multi_setopt_timer_callback(multi, timer), "curl_multi_setopt(CURLMOPT_TIMERFUNCTION)")
        try check(feedwatch_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context), "curl_multi_setopt(CURLMOPT_TIMERDATA)")
    }

    /// How many connections the multi handle's cache holds, in use or idle.
    static func keepConnections(_ multi: Multi, atMost count: Int) throws(CurlError) {
        try check(feedwatch_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, count), "curl_multi_setopt(CURLMOPT_MAXCONNECTS = \(count))")
    }

    /// The "socket" that `socketAction` takes when the timer is due.
    static let timeoutSocket = feedwatch_curl_socket_timeout()

    /// Moves on the transfers of `socket`, which is ready for `events`
    /// (`CURL_CSELECT_IN`, …), or those whose timer is due (`timeoutSocket`, 0).
    static func socketAction(_ multi: Multi, _ socket: curl_socket_t, events: Int32) throws(CurlError) {
        var running: Int32 = 0
        try check(curl_multi_socket_action(multi, socket, events, &running), "curl_multi_socket_action")
    }

    /// Attaches `marker` to `socket`: the socket callback gets it back.
    static func assign(_ multi: Multi, _ socket: curl_socket_t, _ marker: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(curl_multi_assign(multi, socket, marker), "curl_multi_assign")
    }

    /// The next transfer libcurl has finished, and how it ended; nil when none is left.
    static func nextFinished(_ multi: Multi) -> (easy: Easy, result: CURLcode)? {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            return (easy, message.pointee.data.result)
        }
        return nil
    }

    // MARK: - Easy handles

    static func easyInit() throws(CurlError) -> Easy {
        guard let easy = curl_easy_init() else {
            throw CurlError(call: "curl_easy_init", code: .easy(CURLE_OUT_OF_MEMORY))
        }
        return easy
    }

    static func easyCleanup(_ easy: Easy) {
        curl_easy_cleanup(easy)  // returns nothing
    }

    /// The value is named in the error: these are numbers, never secrets.
    static func set(_ easy: Easy, _ option: CURLoption, long value: Int) throws(CurlError) {
        try check(feedwatch_easy_setopt_long(easy, option, value), setoptCall(option, value: "\(value)"))
    }

    static func set(_ easy: Easy, _ option: CURLoption, offset value: curl_off_t) throws(CurlError) {
        try check(feedwatch_easy_setopt_off(easy, option, value), setoptCall(option, value: "\(value)"))
    }

    /// libcurl copies the string. It is not named in an error: it may be a password.
    static func set(_ easy: Easy, _ option: CURLoption, string value: String) throws(CurlError) {
        try check(feedwatch_easy_setopt_string(easy, option, value), setoptCall(option))
    }

    static func set(_ easy: Easy, _ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(feedwatch_easy_setopt_pointer(easy, option, value), setoptCall(option))
    }

    /// For `CURLOPT_COPYPOSTFIELDS`, after `CURLOPT_POSTFIELDSIZE_LARGE`: libcurl copies that many bytes.
    static func set(_ easy: Easy, _ option: CURLoption, bytes value: UnsafeRawPointer?) throws(CurlError) {
        try check(feedwatch_easy_setopt_bytes(easy, option, value), setoptCall(option))
    }

    static func set(_ easy: Easy, _ option: CURLoption, list value: HeaderList?) throws(CurlError) {
        try check(feedwatch_easy_setopt_slist(easy, option, value), setoptCall(option))
    }

    static func set(_ easy: Easy, _ option: CURLoption, callback value: feedwatch_curl_data_callback) throws(CurlError) {
        try check(feedwatch_easy_setopt_callback(easy, option, value), setoptCall(option))
    }

    /// The status of the last response, 0 when none arrived.
    static func responseCode(_ easy: Easy) throws(CurlError) -> Int {
        var status = 0
        try check(feedwatch_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status), "curl_easy_getinfo(CURLINFO_RESPONSE_CODE)")
        return status
    }

    /// The URL of the last request, after redirects.
    static func effectiveURL(_ easy: Easy) throws(CurlError) -> String? {
        var url: UnsafeMutablePointer<CChar>?
        try check(feedwatch_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &url), "curl_easy_getinfo(CURLINFO_EFFECTIVE_URL)")
        return url.map { String(cString: $0) }
    }

    /// libcurl's words for how a transfer ended.
    static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    // MARK: - Share handles

    /// A share handle that keeps TLS sessions for the easy handles attached to
    /// it. It has no lock callbacks: only one thread may use it and its handles.
    static func sessionShareInit() throws(CurlError) -> Share {
        guard let share = curl_share_init() else {
            throw CurlError(call: "curl_share_init", code: .share(CURLSHE_NOMEM))
        }
        do {
            try check(feedwatch_share_setopt_lock_data(share, CURL_LOCK_DATA_SSL_SESSION),
                      "curl_share_setopt(CURLSHOPT_SHARE = CURL_LOCK_DATA_SSL_SESSION)")
        } catch {
            _ = curl_share_cleanup(share)
            throw error
        }
        return share
    }

    /// No easy handle may still be attached.
    static func shareCleanup(_ share: Share) throws(CurlError) {
        try check(curl_share_cleanup(share), "curl_share_cleanup")
    }

    /// Attaches `easy` to `share`, or detaches it with `nil`; not while it is in a multi handle.
    static func attach(_ easy: Easy, to share: Share?) throws(CurlError) {
        try set(easy, CURLOPT_SHARE, pointer: share)
    }

    // MARK: - Header lists

    /// Returns the list to keep; on failure `list` is unchanged and still the caller's to free.
    static func append(_ line: String, to list: HeaderList?) throws(CurlError) -> HeaderList {
        guard let appended = curl_slist_append(list, line) else {
            throw CurlError(call: "curl_slist_append", code: .easy(CURLE_OUT_OF_MEMORY))
        }
        return appended
    }

    static func free(_ list: HeaderList?) {
        curl_slist_free_all(list)  // returns nothing
    }

    // MARK: - Checking

    private static func check(_ code: CURLcode, _ call: @autoclosure () -> String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(call: call(), code: .easy(code)) }
    }

    private static func check(_ code: CURLMcode, _ call: @autoclosure () -> String) throws(CurlError) {
        // CURLM_CALL_MULTI_PERFORM (no longer returned since 7.20) means "call again", not failure.
        guard code == CURLM_OK || code == CURLM_CALL_MULTI_PERFORM else { throw CurlError(call: call(), code: .multi(code)) }
    }

    private static func check(_ code: CURLSHcode, _ call: @autoclosure () -> String) throws(CurlError) {
        guard code == CURLSHE_OK else { throw CurlError(call: call(), code: .share(code)) }
    }

    /// `curl_easy_setopt(CURLOPT_MAXREDIRS = -2)`, the option named by libcurl itself.
    private static func setoptCall(_ option: CURLoption, value: String? = nil) -> String {
        let name = curl_easy_option_by_id(option).map { "CURLOPT_" + String(cString: $0.pointee.name) }
            ?? "option \(option.rawValue)"
        return "curl_easy_setopt(\(name)\(value.map { " = \($0)" } ?? ""))"
    }
}
