import Foundation
import GRDB

/// The kinds of IAM identity that carry policies.
public enum IAMPrincipalKind: String, Codable, Sendable, DatabaseValueConvertible {
    case user
    case group
    case role
}

/// A managed policy (customer or AWS) attached to a user, group or role.
public struct IAMPolicyAttachment: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_policy_attachment"

    public var accountId: String
    public var principalId: String
    public var principalKind: IAMPrincipalKind
    public var policyArn: String
    public var attachedAt: Date

    public init(accountId: String, principalId: String, principalKind: IAMPrincipalKind, policyArn: String, attachedAt: Date) {
        self.accountId = accountId
        self.principalId = principalId
        self.principalKind = principalKind
        self.policyArn = policyArn
        self.attachedAt = attachedAt
    }

    public static func on(_ principalId: String) -> QueryInterfaceRequest<IAMPolicyAttachment> {
        filter(Column("principalId") == principalId)
    }

    /// Every attachment of a principal, with a cached statement (authorization reads it each time).
    public static func all(on principalId: String) -> SQLRequest<IAMPolicyAttachment> {
        cachedRequest(where: ["principalId"], [principalId])
    }

    public static func of(_ policyArn: String, in accountId: String) -> QueryInterfaceRequest<IAMPolicyAttachment> {
        filter(Column("policyArn") == policyArn && Column("accountId") == accountId)
    }
}

/// A policy embedded in one user, group or role.
public struct IAMInlinePolicy: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_inline_policy"

    public var principalId: String
    public var policyName: String
    public var document: String

    public init(principalId: String, policyName: String, document: String) {
        self.principalId = principalId
        self.policyName = policyName
        self.document = document
    }

    public static func on(_ principalId: String) -> QueryInterfaceRequest<IAMInlinePolicy> {
        filter(Column("principalId") == principalId)
    }

    /// Every inline policy of a principal, with a cached statement.
    public static func all(on principalId: String) -> SQLRequest<IAMInlinePolicy> {
        cachedRequest(where: ["principalId"], [principalId])
    }
}
