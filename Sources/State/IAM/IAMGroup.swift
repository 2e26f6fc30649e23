import Foundation
import GRDB

public struct IAMGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_group"

    public var groupId: String
    public var accountId: String
    public var groupName: String
    public var path: String
    public var createDate: Date

    public init(groupId: String, accountId: String, groupName: String, path: String, createDate: Date) {
        self.groupId = groupId
        self.accountId = accountId
        self.groupName = groupName
        self.path = path
        self.createDate = createDate
    }

    public var arn: String { "arn:aws:iam::\(accountId):group\(path)\(groupName)" }

    public static func withId(_ id: String) -> SQLRequest<IAMGroup> {
        cachedRequest(where: ["groupId"], [id])
    }

    /// Case-insensitive, as IAM names are.
    public static func named(_ name: String, in accountId: String) -> SQLRequest<IAMGroup> {
        cachedRequest(where: ["accountId", "groupName"], [accountId, name])
    }

    /// The account's groups sorted by name (ignoring case), as IAM lists them.
    public static func listed(in accountId: String) -> SQLRequest<IAMGroup> {
        cachedRequest(where: ["accountId"], [accountId], orderedBy: "groupName")
    }

    public static func inAccount(_ accountId: String) -> QueryInterfaceRequest<IAMGroup> {
        filter(Column("accountId") == accountId)
    }
}

/// A user's membership of a group.
public struct IAMGroupMembership: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_group_membership"

    public var groupId: String
    public var userId: String
    public var addedAt: Date

    public init(groupId: String, userId: String, addedAt: Date) {
        self.groupId = groupId
        self.userId = userId
        self.addedAt = addedAt
    }

    /// The groups a user is in, with a cached statement (authorization reads it each time).
    public static func of(user userId: String) -> SQLRequest<IAMGroupMembership> {
        cachedRequest(where: ["userId"], [userId])
    }
}
