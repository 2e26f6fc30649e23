import Foundation
import GRDB

/// Temporary credentials STS issued (`ASIA…`), and the identity they stand for.
public struct STSSession: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sts_session"

    public enum Kind: String, Codable, Sendable {
        /// From AssumeRole: the caller acts as the role.
        case assumedRole = "assumed-role"
        /// From GetSessionToken: the caller stays the IAM user (or root) that asked.
        case sessionToken = "session-token"
    }

    public var accessKeyId: String
    public var accountId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var kind: Kind
    /// What GetCallerIdentity answers as `Arn`.
    public var principalArn: String
    /// What GetCallerIdentity answers as `UserId`.
    public var userId: String
    public var roleId: String?
    /// The IAM user behind a GetSessionToken session (nil for root).
    public var sourceUserId: String?
    public var sessionName: String?
    public var sessionPolicy: String?
    public var sessionPolicyArns: [String]
    public var tags: [Tag]
    public var sourceIdentity: String?
    /// Assumed by a role session (role chaining, limited to one hour).
    public var isRoleChained: Bool
    public var createdAt: Date
    public var expiration: Date

    public static func withId(_ accessKeyId: String) -> SQLRequest<STSSession> {
        cachedRequest(where: ["accessKeyId"], [accessKeyId])
    }

    public init(
        accessKeyId: String, accountId: String, secretAccessKey: String, sessionToken: String, kind: Kind,
        principalArn: String, userId: String, roleId: String?, sourceUserId: String?, sessionName: String?,
        sessionPolicy: String?, sessionPolicyArns: [String], tags: [Tag], sourceIdentity: String?,
        isRoleChained: Bool, createdAt: Date, expiration: Date
    ) {
        self.accessKeyId = accessKeyId
        self.accountId = accountId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.kind = kind
        self.principalArn = principalArn
        self.userId = userId
        self.roleId = roleId
        self.sourceUserId = sourceUserId
        self.sessionName = sessionName
        self.sessionPolicy = sessionPolicy
        self.sessionPolicyArns = sessionPolicyArns
        self.tags = tags
        self.sourceIdentity = sourceIdentity
        self.isRoleChained = isRoleChained
        self.createdAt = createdAt
        self.expiration = expiration
    }
}
