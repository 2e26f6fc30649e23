import Foundation
import GRDB

/// A DB snapshot: a consistent copy of an instance's data (a PostgreSQL base backup) and the
/// settings a restore starts from.
public struct RDSSnapshot: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_snapshot"

    /// Where the snapshot's files live; immutable (the identifier is per account and region).
    public var snapshotId: String
    public var accountId: String
    public var region: String
    /// `DBSnapshotIdentifier`, stored lower-case.
    public var identifier: String
    public var instanceIdentifier: String
    public var instanceResourceId: String
    public var snapshotType: String
    public var status: String
    public var engine: String
    public var engineVersion: String
    public var allocatedStorage: Int
    public var storageType: String
    public var port: Int
    public var availabilityZone: String
    public var vpcId: String
    public var masterUsername: String
    public var dbName: String?
    public var iamAuthentication: Bool
    public var instanceCreateTime: Date
    public var snapshotCreateTime: Date
    /// Restores in progress read the snapshot's files; it cannot be deleted meanwhile.
    public var restoresInProgress: Int

    public init(snapshotId: String, accountId: String, region: String, identifier: String, instance: RDSInstance,
                snapshotType: String, status: String, snapshotCreateTime: Date) {
        self.snapshotId = snapshotId
        self.accountId = accountId
        self.region = region
        self.identifier = identifier
        self.instanceIdentifier = instance.identifier
        self.instanceResourceId = instance.resourceId
        self.snapshotType = snapshotType
        self.status = status
        self.engine = instance.engine
        self.engineVersion = instance.engineVersion
        self.allocatedStorage = instance.allocatedStorage
        self.storageType = instance.storageType
        self.port = instance.port
        self.availabilityZone = instance.availabilityZone
        self.vpcId = instance.vpcId
        self.masterUsername = instance.masterUsername
        self.dbName = instance.dbName
        self.iamAuthentication = instance.iamAuthentication
        self.instanceCreateTime = instance.createTime
        self.snapshotCreateTime = snapshotCreateTime
        self.restoresInProgress = 0
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):snapshot:\(identifier)" }

    public static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<RDSSnapshot> {
        filter(Column("accountId") == account && Column("region") == region && Column("identifier") == identifier.lowercased())
    }
}

/// Something that happened to an RDS resource (`DescribeEvents`).
public struct RDSEvent: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rds_event"

    public var id: Int64?
    public var accountId: String
    public var region: String
    public var sourceIdentifier: String
    /// `db-instance`, `db-snapshot`, `db-parameter-group`, …
    public var sourceType: String
    public var sourceArn: String
    public var message: String
    public var categories: [String]
    public var date: Date

    public init(accountId: String, region: String, sourceIdentifier: String, sourceType: String, sourceArn: String,
                message: String, categories: [String], date: Date) {
        self.accountId = accountId
        self.region = region
        self.sourceIdentifier = sourceIdentifier
        self.sourceType = sourceType
        self.sourceArn = sourceArn
        self.message = message
        self.categories = categories
        self.date = date
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Records what happened to `instance`.
    public static func instance(_ instance: RDSInstance, _ message: String, _ categories: [String], at date: Date = Date(), _ db: Database) throws {
        var event = RDSEvent(accountId: instance.accountId, region: instance.region, sourceIdentifier: instance.identifier,
                             sourceType: "db-instance", sourceArn: instance.arn, message: message, categories: categories, date: date)
        try event.insert(db)
    }
}
