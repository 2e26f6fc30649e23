import Foundation
import GRDB

public struct IAMUser: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_user"

    public var userId: String
    public var accountId: String
    public var userName: String
    public var path: String
    public var createDate: Date
    public var permissionsBoundary: String?

    public init(userId: String, accountId: String, userName: String, path: String, createDate: Date, permissionsBoundary: String?) {
        self.userId = userId
        self.accountId = accountId
        self.userName = userName
        self.path = path
        self.createDate = createDate
        self.permissionsBoundary = permissionsBoundary
    }

    public var arn: String { "arn:aws:iam::\(accountId):user\(path)\(userName)" }

    public static func withId(_ id: String) -> SQLRequest<IAMUser> {
        cachedRequest(where: ["userId"], [id])
    }

    /// Case-insensitive, as IAM names are.
    public static func named(_ name: String, in accountId: String) -> SQLRequest<IAMUser> {
        cachedRequest(where: ["accountId", "userName"], [accountId, name])
    }

    /// The account's users sorted by name (ignoring case), as IAM lists them.
    public static func listed(in accountId: String) -> SQLRequest<IAMUser> {
        cachedRequest(where: ["accountId"], [accountId], orderedBy: "userName")
    }

    public static func inAccount(_ accountId: String) -> QueryInterfaceRequest<IAMUser> {
        filter(Column("accountId") == accountId)
    }
}
