/// A WordPress application password (WordPress 5.6+), never written inline:
/// the secret is read from a file when a sync starts, so a rotated password is
/// picked up without a restart.
public struct SiteAuthentication: Sendable, Equatable {
    public var username: String
    /// `passwordFile` or `credential`.
    public var secret: SecretSource

    public init(username: String, secret: SecretSource) {
        self.username = username
        self.secret = secret
    }

    /// Where the password is read from, or why it cannot be found.
    public func passwordPath(environment: [String: String]) -> Result<String, AuthenticationError> {
        switch secret {
        case .file(let path):
            return .success(path)
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                return .failure(AuthenticationError(
                    "credential \"\(name)\" needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit with "
                        + "LoadCredential=\(name):/path/to/file; outside systemd use \"passwordFile\""))
            }
            return .success("\(directory)/\(name)")
        }
    }
}

public struct AuthenticationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
