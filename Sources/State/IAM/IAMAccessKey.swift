import Foundation
import GRDB

public struct IAMAccessKey: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "iam_access_key"

    public enum Status: String, Codable, Sendable {
        case active = "Active"
        case inactive = "Inactive"
    }

    public var accessKeyId: String
    public var accountId: String
    public var userId: String
    public var secretAccessKey: String
    public var status: Status
    public var createDate: Date
    public var lastUsedDate: Date?
    public var lastUsedService: String?
    public var lastUsedRegion: String?

    public init(accessKeyId: String, accountId: String, userId: String, secretAccessKey: String, status: Status, createDate: Date) {
        self.accessKeyId = accessKeyId
        self.accountId = accountId
        self.userId = userId
        self.secretAccessKey = secretAccessKey
        self.status = status
        self.createDate = createDate
    }

    public static func withId(_ accessKeyId: String) -> SQLRequest<IAMAccessKey> {
        cachedRequest(where: ["accessKeyId"], [accessKeyId])
    }

    public static func of(_ userId: String) -> QueryInterfaceRequest<IAMAccessKey> {
        filter(Column("userId") == userId)
    }
}
