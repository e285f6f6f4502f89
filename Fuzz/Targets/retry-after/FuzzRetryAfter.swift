#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
@testable import FeedwatchCore

/// A `Retry-After` header value: seconds or an HTTP date. Whatever a server
/// sends, the wait is between zero and `RetryAfter.maximum`, or none.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRetryAfter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let value = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let wait = RetryAfter.parse(value, now: now) {
        precondition(wait >= .zero && wait <= RetryAfter.maximum, "a wait outside 0...maximum")
    }
    _ = RetryAfter.httpDate(value)
    return 0
}

/// A fixed clock, so that a crash reproduces: Sun, 06 Nov 1994 08:49:37 GMT.
private let now = Date(timeIntervalSince1970: 784_111_777)
