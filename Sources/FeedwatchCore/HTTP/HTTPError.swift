/// Why a request produced no response, in words for the administrator.
public struct HTTPError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case connectionFailed
        case timedOut
        case tlsFailed
        case tooManyRedirects
        case bodyTooLarge
        case cancelled
        case other
    }

    public let kind: Kind
    public let url: String
    public let detail: String

    public init(kind: Kind, url: String, detail: String) {
        self.kind = kind
        self.url = url
        self.detail = detail
    }

    public var description: String { "\(url): \(detail)" }
}
