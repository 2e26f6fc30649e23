/// Who is calling: the identity behind the access key that signed the request.
public struct Caller: Sendable {
    public enum Kind: Sendable, Equatable {
        /// The account's root user. Unknown access keys map here (unless credentials are strict).
        case root
        /// An IAM user, with long-term keys or a GetSessionToken session.
        case user(userId: String, userName: String)
        /// A role session from AssumeRole.
        case assumedRole(roleId: String, roleName: String, sessionName: String)
        /// An unsigned call to an operation AWS allows without credentials.
        case anonymous
    }

    public let kind: Kind
    public let accountId: String
    /// What GetCallerIdentity answers as `Arn`.
    public let arn: String
    /// What GetCallerIdentity answers as `UserId`.
    public let userId: String
    public let accessKeyId: String?
    /// Set when the caller signed with temporary credentials.
    public let sessionAccessKeyId: String?
    /// The ARN a policy's `Principal` is matched against; for a role session that is the role's
    /// ARN (with its path), not the session's.
    public let principalArn: String

    public init(kind: Kind, accountId: String, arn: String, userId: String, accessKeyId: String?,
                sessionAccessKeyId: String? = nil, principalArn: String? = nil) {
        self.kind = kind
        self.accountId = accountId
        self.arn = arn
        self.userId = userId
        self.accessKeyId = accessKeyId
        self.sessionAccessKeyId = sessionAccessKeyId
        self.principalArn = principalArn ?? arn
    }

    public static func root(of accountId: String, accessKeyId: String?) -> Caller {
        Caller(kind: .root, accountId: accountId, arn: "arn:aws:iam::\(accountId):root", userId: accountId, accessKeyId: accessKeyId)
    }

    public static let anonymous = Caller(kind: .anonymous, accountId: "", arn: "", userId: "", accessKeyId: nil)

}
