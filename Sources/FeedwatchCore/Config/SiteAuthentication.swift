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
        secret.path(environment: environment, fileKey: "passwordFile")
    }
}

public struct AuthenticationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
