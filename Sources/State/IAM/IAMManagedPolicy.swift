import Foundation
import GRDB

/// A customer managed policy. AWS managed policies are not stored: they are a fixed catalog.
public struct IAMManagedPolicy: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_managed_policy"

    public var policyId: String
    public var accountId: String
    public var policyName: String
    public var path: String
    public var arn: String
    public var description: String?
    public var defaultVersionId: String
    /// Version ids are never reused, even after a version is deleted.
    public var nextVersionNumber: Int
    public var createDate: Date
    public var updateDate: Date

    public init(
        policyId: String, accountId: String, policyName: String, path: String, arn: String, description: String?,
        defaultVersionId: String, nextVersionNumber: Int, createDate: Date, updateDate: Date
    ) {
        self.policyId = policyId
        self.accountId = accountId
        self.policyName = policyName
        self.path = path
        self.arn = arn
        self.description = description
        self.defaultVersionId = defaultVersionId
        self.nextVersionNumber = nextVersionNumber
        self.createDate = createDate
        self.updateDate = updateDate
    }

    public static func withArn(_ arn: String) -> SQLRequest<IAMManagedPolicy> {
        cachedRequest(where: ["arn"], [arn])
    }

    public static func inAccount(_ accountId: String) -> QueryInterfaceRequest<IAMManagedPolicy> {
        filter(Column("accountId") == accountId)
    }
}

public struct IAMPolicyVersion: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_policy_version"

    public var policyId: String
    public var versionId: String
    public var document: String
    public var createDate: Date

    public init(policyId: String, versionId: String, document: String, createDate: Date) {
        self.policyId = policyId
        self.versionId = versionId
        self.document = document
        self.createDate = createDate
    }

    public static func of(_ policyId: String) -> QueryInterfaceRequest<IAMPolicyVersion> {
        filter(Column("policyId") == policyId)
    }
}
