/// TLS sessions kept from one poll of a site to the next, so that a site polled
/// again resumes its session (an abbreviated handshake: no certificate to send,
/// verify and check against the host name) instead of a full one.
///
/// A site's next poll comes minutes later, long after its server closed the
/// connection, and every request has an easy handle of its own, whose session
/// cache goes with it. libcurl keeps sessions across handles only in a share
/// handle, and a share handle keeps 8 (libcurl 7.88 fixes the number and evicts
/// the least recently used): for thousands of sites, one share handle would
/// resume nothing. So each origin is given a share handle of its own group of
/// at most 8 origins, the first time it is seen, and keeps it: no origin's
/// session is evicted by another's.
///
/// A session costs about 12 KB with OpenSSL 3 (it keeps the server's
/// certificates, parsed), so only the first `originLimit` origins seen keep
/// theirs (sites removed from the configuration still count); the others have
/// a full handshake at every poll, as without this cache.
///
/// Only the loop thread of `CurlMultiLoop` uses it: its share handles have no
/// lock callbacks.
final class TLSSessionCache {
    /// The sessions one share handle keeps (libcurl's own number).
    static let sessionsPerShare = 8

    private let originLimit: Int
    private var shares: [Curl.Share] = []
    /// The index in `shares` of each origin seen.
    private var assigned: [Origin: Int] = [:]

    init(originLimit: Int) {
        self.originLimit = originLimit
    }

    deinit {
        for share in shares {
            // Refused only while a handle is still attached: a bug in `CurlMultiLoop`.
            do { try Curl.shareCleanup(share) } catch { assertionFailure("\(error)") }
        }
    }

    /// Attaches `transfer` to its origin's share handle, before it is added to the
    /// multi handle. Plain http needs no sessions and is left alone.
    func attach(_ transfer: CurlTransfer) throws(CurlError) {
        guard transfer.request.url.utf8.starts(with: "https:".utf8), let origin = Origin(url: transfer.request.url),
              let share = try share(for: origin)
        else { return }
        try Curl.attach(transfer.handle, to: share)
    }

    /// Detaches `transfer` once it is out of the multi handle, so that its
    /// cleanup, on whatever thread, never touches a share handle.
    func detach(_ transfer: CurlTransfer) {
        guard transfer.request.url.utf8.starts(with: "https:".utf8) else { return }
        do { try Curl.attach(transfer.handle, to: nil) } catch { assertionFailure("\(error)") }
    }

    /// `origin`'s share handle, nil when it came after `originLimit` others.
    private func share(for origin: Origin) throws(CurlError) -> Curl.Share? {
        if let index = assigned[origin] { return shares[index] }
        guard assigned.count < originLimit else { return nil }
        if assigned.count == shares.count * Self.sessionsPerShare {
            shares.append(try Curl.sessionShareInit())
        }
        assigned[origin] = shares.count - 1
        return shares[shares.count - 1]
    }
}
