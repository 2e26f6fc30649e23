import Foundation
import GRDB

public struct IAMRole: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_role"

    public var roleId: String
    public var accountId: String
    public var roleName: String
    public var path: String
    public var createDate: Date
    /// The trust policy, stored as the user sent it (IAM returns it URL-encoded).
    public var assumeRolePolicyDocument: String
    public var description: String?
    public var maxSessionDuration: Int
    public var permissionsBoundary: String?
    public var lastUsedDate: Date?
    public var lastUsedRegion: String?

    public init(
        roleId: String, accountId: String, roleName: String, path: String, createDate: Date,
        assumeRolePolicyDocument: String, description: String?, maxSessionDuration: Int,
        permissionsBoundary: String?
    ) {
        self.roleId = roleId
        self.accountId = accountId
        self.roleName = roleName
        self.path = path
        self.createDate = createDate
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundary = permissionsBoundary
    }

    /// Read by column, not through Codable: roles are listed often and GRDB's Codable row
    /// decoding costs several times more per row.
    public init(row: Row) throws {
        roleId = row["roleId"]
        accountId = row["accountId"]
        roleName = row["roleName"]
        path = row["path"]
        createDate = row["createDate"]
        assumeRolePolicyDocument = row["assumeRolePolicyDocument"]
        description = row["description"]
        maxSessionDuration = row["maxSessionDuration"]
        permissionsBoundary = row["permissionsBoundary"]
        lastUsedDate = row["lastUsedDate"]
        lastUsedRegion = row["lastUsedRegion"]
    }

    public var arn: String { "arn:aws:iam::\(accountId):role\(path)\(roleName)" }

    public static func withId(_ id: String) -> SQLRequest<IAMRole> {
        cachedRequest(where: ["roleId"], [id])
    }

    /// Case-insensitive, as IAM names are.
    public static func named(_ name: String, in accountId: String) -> SQLRequest<IAMRole> {
        cachedRequest(where: ["accountId", "roleName"], [accountId, name])
    }

    /// The account's roles sorted by name (ignoring case), as IAM lists them.
    public static func listed(in accountId: String) -> SQLRequest<IAMRole> {
        cachedRequest(where: ["accountId"], [accountId], orderedBy: "roleName")
    }

    public static func inAccount(_ accountId: String) -> QueryInterfaceRequest<IAMRole> {
        filter(Column("accountId") == accountId)
    }
}
