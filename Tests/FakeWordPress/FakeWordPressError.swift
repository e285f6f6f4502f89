import Glibc

/// Errors from setting up a fake server or site. Request handling never throws: bad requests get
/// the HTTP error a real server would send.
public enum FakeWordPressError: Error, Sendable, CustomStringConvertible {
    /// A system call failed while starting the server.
    case system(call: String, errno: Int32)
    /// `FakeSite.addPost(_:)` was given something that is not a post object.
    case invalidPost(String)
    /// `FakeSite.addPost(_:)` was given a post whose id the site already uses.
    case duplicateID(Int)

    public var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .invalidPost(let reason): "not a WordPress post object: \(reason)"
        case .duplicateID(let id): "a post with id \(id) already exists on this site"
        }
    }
}
