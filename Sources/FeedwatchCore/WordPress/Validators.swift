/// `ETag` and `Last-Modified` of a response, kept to ask the same URL again
/// conditionally. WordPress itself sends neither on REST responses; a CDN or a
/// caching plugin in front of it may.
public struct Validators: Sendable, Equatable {
    public var url: String
    public var etag: String?
    public var lastModified: String?

    public init(url: String, etag: String?, lastModified: String?) {
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
    }

    init?(url: String, headers: HTTPHeaders) {
        let etag = headers["ETag"]
        let lastModified = headers["Last-Modified"]
        guard etag != nil || lastModified != nil else { return nil }
        self.init(url: url, etag: etag, lastModified: lastModified)
    }

    /// The request headers that ask for a 304 when nothing changed.
    var conditionalHeaders: [(name: String, value: String)] {
        if let etag { return [("If-None-Match", etag)] }
        if let lastModified { return [("If-Modified-Since", lastModified)] }
        return []
    }
}
