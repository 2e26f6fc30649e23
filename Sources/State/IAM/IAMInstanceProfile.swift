import Foundation
import GRDB

/// An instance profile: a container for one role (EC2 uses it; Terraform checks it before
/// deleting a role).
public struct IAMInstanceProfile: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_instance_profile"

    public var instanceProfileId: String
    public var accountId: String
    public var instanceProfileName: String
    public var path: String
    public var createDate: Date
    public var roleId: String?

    public init(instanceProfileId: String, accountId: String, instanceProfileName: String, path: String, createDate: Date, roleId: String?) {
        self.instanceProfileId = instanceProfileId
        self.accountId = accountId
        self.instanceProfileName = instanceProfileName
        self.path = path
        self.createDate = createDate
        self.roleId = roleId
    }

    public var arn: String { "arn:aws:iam::\(accountId):instance-profile\(path)\(instanceProfileName)" }

    public static func withId(_ id: String) -> SQLRequest<IAMInstanceProfile> {
        cachedRequest(where: ["instanceProfileId"], [id])
    }

    /// Case-insensitive, as IAM names are.
    public static func named(_ name: String, in accountId: String) -> SQLRequest<IAMInstanceProfile> {
        cachedRequest(where: ["accountId", "instanceProfileName"], [accountId, name])
    }

    /// The account's instanceprofiles sorted by name (ignoring case), as IAM lists them.
    public static func listed(in accountId: String) -> SQLRequest<IAMInstanceProfile> {
        cachedRequest(where: ["accountId"], [accountId], orderedBy: "instanceProfileName")
    }

    public static func inAccount(_ accountId: String) -> QueryInterfaceRequest<IAMInstanceProfile> {
        filter(Column("accountId") == accountId)
    }

    public static func holding(roleId: String) -> QueryInterfaceRequest<IAMInstanceProfile> {
        filter(Column("roleId") == roleId)
    }
}
