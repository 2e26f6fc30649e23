import Foundation
import GRDB

/// An Aurora DB cluster: the settings its members share (engine, port, master user, network,
/// directory, IAM authentication) and where its writer and reader endpoints listen. Its
/// members are `RDSInstance`s with this cluster's `clusterResourceId`.
public struct RDSCluster: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_cluster"

    /// `DbClusterResourceId`: `cluster-` + 26 characters, immutable, used in `rds-db:connect` ARNs.
    public var resourceId: String
    public var accountId: String
    public var region: String
    /// `DBClusterIdentifier`, stored lower-case as RDS does.
    public var identifier: String
    public var engine: String
    public var engineVersion: String
    public var status: String
    public var statusReason: String?
    /// `<identifier>.cluster-<uid>.<region>.rds.amazonaws.com`: always the current writer.
    public var endpointHost: String
    /// `<identifier>.cluster-ro-<uid>…`: spread over the readers.
    public var readerEndpointHost: String
    /// The loopback addresses the two endpoints listen on, at `port`.
    public var address: String
    public var readerAddress: String
    public var port: Int
    public var masterUsername: String
    /// The engine's verifier of the master password, for the first writer that comes up (the
    /// password itself is never kept).
    public var masterPasswordVerifier: String
    public var databaseName: String?
    public var parameterGroupName: String
    public var subnetGroupName: String?
    public var vpcId: String
    public var vpcSecurityGroupIds: [String]
    public var availabilityZones: [String]
    public var backupRetentionPeriod: Int
    public var preferredBackupWindow: String
    public var preferredMaintenanceWindow: String
    public var iamAuthentication: Bool
    public var pendingIAMAuthentication: Bool?
    public var domain: String?
    public var domainRoleName: String?
    /// `kerberos-enabled`, `enabling-kerberos`, `enable-kerberos-failed`, …
    public var domainStatus: String?
    public var domainFQDN: String?
    public var domainStatusReason: String?
    public var deletionProtection: Bool
    public var copyTagsToSnapshot: Bool
    public var storageEncrypted: Bool
    public var associatedRoles: [RDSAssociatedRole]
    public var createTime: Date

    public init(resourceId: String, accountId: String, region: String, identifier: String, engine: String, engineVersion: String,
                status: String, endpointHost: String, readerEndpointHost: String, address: String, readerAddress: String, port: Int,
                masterUsername: String, masterPasswordVerifier: String, databaseName: String?, parameterGroupName: String,
                subnetGroupName: String?, vpcId: String, vpcSecurityGroupIds: [String], availabilityZones: [String],
                backupRetentionPeriod: Int, preferredBackupWindow: String, preferredMaintenanceWindow: String,
                iamAuthentication: Bool, deletionProtection: Bool, copyTagsToSnapshot: Bool, storageEncrypted: Bool, createTime: Date) {
        self.resourceId = resourceId
        self.accountId = accountId
        self.region = region
        self.identifier = identifier
        self.engine = engine
        self.engineVersion = engineVersion
        self.status = status
        self.endpointHost = endpointHost
        self.readerEndpointHost = readerEndpointHost
        self.address = address
        self.readerAddress = readerAddress
        self.port = port
        self.masterUsername = masterUsername
        self.masterPasswordVerifier = masterPasswordVerifier
        self.databaseName = databaseName
        self.parameterGroupName = parameterGroupName
        self.subnetGroupName = subnetGroupName
        self.vpcId = vpcId
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.availabilityZones = availabilityZones
        self.backupRetentionPeriod = backupRetentionPeriod
        self.preferredBackupWindow = preferredBackupWindow
        self.preferredMaintenanceWindow = preferredMaintenanceWindow
        self.iamAuthentication = iamAuthentication
        self.deletionProtection = deletionProtection
        self.copyTagsToSnapshot = copyTagsToSnapshot
        self.storageEncrypted = storageEncrypted
        self.associatedRoles = []
        self.createTime = createTime
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):cluster:\(identifier)" }

    /// Whether the cluster's members should be running (they are brought back after a restart).
    public var shouldRun: Bool { !["stopped", "stopping", "deleting", "failed"].contains(status) }

    public static func withId(_ resourceId: String) -> SQLRequest<RDSCluster> {
        cachedRequest(where: ["resourceId"], [resourceId])
    }

    public static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<RDSCluster> {
        filter(Column("accountId") == account && Column("region") == region && Column("identifier") == identifier.lowercased())
    }

    public static func listed(account: String, region: String) -> QueryInterfaceRequest<RDSCluster> {
        filter(Column("accountId") == account && Column("region") == region).order(Column("identifier"))
    }
}

/// A custom endpoint of a cluster: its own name and address, reaching the members it lists
/// (`StaticMembers`), or every member but those it excludes, of the readers only or of all.
public struct RDSClusterEndpoint: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_cluster_endpoint"

    /// `DBClusterEndpointResourceIdentifier`: `cluster-endpoint-` + 26 characters.
    public var resourceId: String
    public var clusterResourceId: String
    public var accountId: String
    public var region: String
    /// `DBClusterEndpointIdentifier`, stored lower-case.
    public var identifier: String
    /// `<identifier>.cluster-custom-<uid>.<region>.rds.amazonaws.com`.
    public var endpointHost: String
    public var address: String
    /// `READER` or `ANY`.
    public var endpointType: String
    public var staticMembers: [String]
    public var excludedMembers: [String]
    public var status: String
    public var createTime: Date

    public init(resourceId: String, clusterResourceId: String, accountId: String, region: String, identifier: String,
                endpointHost: String, address: String, endpointType: String, staticMembers: [String], excludedMembers: [String],
                status: String, createTime: Date) {
        self.resourceId = resourceId
        self.clusterResourceId = clusterResourceId
        self.accountId = accountId
        self.region = region
        self.identifier = identifier
        self.endpointHost = endpointHost
        self.address = address
        self.endpointType = endpointType
        self.staticMembers = staticMembers
        self.excludedMembers = excludedMembers
        self.status = status
        self.createTime = createTime
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):cluster-endpoint:\(identifier)" }

    public static func of(_ clusterResourceId: String) -> QueryInterfaceRequest<RDSClusterEndpoint> {
        filter(Column("clusterResourceId") == clusterResourceId).order(Column("identifier"))
    }

    public static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<RDSClusterEndpoint> {
        filter(Column("accountId") == account && Column("region") == region && Column("identifier") == identifier.lowercased())
    }
}

/// A DB cluster snapshot: a consistent copy of the cluster's data and the settings a restore
/// starts from.
public struct RDSClusterSnapshot: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_cluster_snapshot"

    /// Where the snapshot's files live; immutable.
    public var snapshotId: String
    public var accountId: String
    public var region: String
    /// `DBClusterSnapshotIdentifier`, stored lower-case.
    public var identifier: String
    public var clusterIdentifier: String
    public var clusterResourceId: String
    public var snapshotType: String
    public var status: String
    public var engine: String
    public var engineVersion: String
    public var port: Int
    public var vpcId: String
    public var availabilityZones: [String]
    public var masterUsername: String
    public var masterPasswordVerifier: String
    public var databaseName: String?
    public var iamAuthentication: Bool
    public var storageEncrypted: Bool
    public var clusterCreateTime: Date
    public var snapshotCreateTime: Date
    public var restoresInProgress: Int

    public init(snapshotId: String, identifier: String, cluster: RDSCluster, snapshotType: String, status: String, snapshotCreateTime: Date) {
        self.snapshotId = snapshotId
        self.accountId = cluster.accountId
        self.region = cluster.region
        self.identifier = identifier
        self.clusterIdentifier = cluster.identifier
        self.clusterResourceId = cluster.resourceId
        self.snapshotType = snapshotType
        self.status = status
        self.engine = cluster.engine
        self.engineVersion = cluster.engineVersion
        self.port = cluster.port
        self.vpcId = cluster.vpcId
        self.availabilityZones = cluster.availabilityZones
        self.masterUsername = cluster.masterUsername
        self.masterPasswordVerifier = cluster.masterPasswordVerifier
        self.databaseName = cluster.databaseName
        self.iamAuthentication = cluster.iamAuthentication
        self.storageEncrypted = cluster.storageEncrypted
        self.clusterCreateTime = cluster.createTime
        self.snapshotCreateTime = snapshotCreateTime
        self.restoresInProgress = 0
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):cluster-snapshot:\(identifier)" }

    public static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<RDSClusterSnapshot> {
        filter(Column("accountId") == account && Column("region") == region && Column("identifier") == identifier.lowercased())
    }
}

extension RDSEvent {
    /// Records what happened to `cluster`.
    public static func cluster(_ cluster: RDSCluster, _ message: String, _ categories: [String], at date: Date = Date(), _ db: Database) throws {
        var event = RDSEvent(accountId: cluster.accountId, region: cluster.region, sourceIdentifier: cluster.identifier,
                             sourceType: "db-cluster", sourceArn: cluster.arn, message: message, categories: categories, date: date)
        try event.insert(db)
    }
}
