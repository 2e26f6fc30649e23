import Foundation
import GRDB

/// An RDS DB instance: its AWS-visible settings and where its PostgreSQL server listens. The
/// master password is not kept here; it lives only in the server, as a SCRAM verifier.
public struct RDSInstance: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_instance"

    /// `DbiResourceId`: `db-` + 26 base32 characters, immutable, used in `rds-db:connect` ARNs.
    public var resourceId: String
    public var accountId: String
    public var region: String
    /// `DBInstanceIdentifier`, stored lower-case as RDS does.
    public var identifier: String
    public var engine: String
    public var engineVersion: String
    public var instanceClass: String
    public var allocatedStorage: Int
    public var storageType: String
    public var masterUsername: String
    public var dbName: String?
    public var status: String
    /// What went wrong when `status` is `failed`.
    public var statusReason: String?
    /// `Endpoint.Address`: `<identifier>.<account/region uid>.<region>.rds.amazonaws.com`.
    public var endpointHost: String
    /// The loopback address the server listens on (the endpoint's line in `/_kerbside/hosts`).
    public var address: String
    public var port: Int
    public var availabilityZone: String
    public var vpcId: String
    public var subnetGroupName: String?
    public var vpcSecurityGroupIds: [String]
    public var parameterGroupName: String
    public var iamAuthentication: Bool
    /// The IAM setting waiting for a reboot or the maintenance window (`ApplyImmediately=false`).
    public var pendingIAMAuthentication: Bool?
    /// Directory membership: the directory ID the user gave (possibly a shared directory's).
    public var domain: String?
    public var domainRoleName: String?
    /// `kerberos-enabled`, `enabling-kerberos`, `pending-enable-kerberos`, `enable-kerberos-failed`, …
    public var domainStatus: String?
    public var domainFQDN: String?
    /// Why `enable-kerberos-failed`, for Kerbside's log and the health view.
    public var domainStatusReason: String?
    /// A directory change waiting for a reboot: the new domain (`none` to leave) and role.
    public var pendingDomain: String?
    public var pendingDomainRoleName: String?
    public var backupRetentionPeriod: Int
    public var preferredBackupWindow: String
    public var preferredMaintenanceWindow: String
    public var multiAZ: Bool
    public var publiclyAccessible: Bool
    public var storageEncrypted: Bool
    public var deletionProtection: Bool
    public var copyTagsToSnapshot: Bool
    public var autoMinorVersionUpgrade: Bool
    public var createTime: Date
    /// The Aurora cluster this instance is a member of (its `DbClusterResourceId`); the cluster
    /// then holds the master user, the network, the directory and IAM settings.
    public var clusterResourceId: String? = nil
    /// The cluster member that takes writes; the others are its readers.
    public var isClusterWriter: Bool = false
    /// Which reader a failover promotes first (0 first, 15 last).
    public var promotionTier: Int = 1
    /// The instance this one is a read replica of (`CreateDBInstanceReadReplica`).
    public var replicaSourceResourceId: String? = nil
    /// IAM roles associated with the instance (`AddRoleToDBInstance`).
    public var associatedRoles: [RDSAssociatedRole] = []

    public init(
        resourceId: String, accountId: String, region: String, identifier: String, engine: String, engineVersion: String,
        instanceClass: String, allocatedStorage: Int, storageType: String, masterUsername: String, dbName: String?,
        status: String, endpointHost: String, address: String, port: Int, availabilityZone: String, vpcId: String,
        subnetGroupName: String?, vpcSecurityGroupIds: [String], parameterGroupName: String, iamAuthentication: Bool,
        backupRetentionPeriod: Int, preferredBackupWindow: String, preferredMaintenanceWindow: String, multiAZ: Bool,
        publiclyAccessible: Bool, storageEncrypted: Bool, deletionProtection: Bool, copyTagsToSnapshot: Bool,
        autoMinorVersionUpgrade: Bool, createTime: Date
    ) {
        self.resourceId = resourceId
        self.accountId = accountId
        self.region = region
        self.identifier = identifier
        self.engine = engine
        self.engineVersion = engineVersion
        self.instanceClass = instanceClass
        self.allocatedStorage = allocatedStorage
        self.storageType = storageType
        self.masterUsername = masterUsername
        self.dbName = dbName
        self.status = status
        self.endpointHost = endpointHost
        self.address = address
        self.port = port
        self.availabilityZone = availabilityZone
        self.vpcId = vpcId
        self.subnetGroupName = subnetGroupName
        self.vpcSecurityGroupIds = vpcSecurityGroupIds
        self.parameterGroupName = parameterGroupName
        self.iamAuthentication = iamAuthentication
        self.backupRetentionPeriod = backupRetentionPeriod
        self.preferredBackupWindow = preferredBackupWindow
        self.preferredMaintenanceWindow = preferredMaintenanceWindow
        self.multiAZ = multiAZ
        self.publiclyAccessible = publiclyAccessible
        self.storageEncrypted = storageEncrypted
        self.deletionProtection = deletionProtection
        self.copyTagsToSnapshot = copyTagsToSnapshot
        self.autoMinorVersionUpgrade = autoMinorVersionUpgrade
        self.createTime = createTime
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):db:\(identifier)" }

    /// Whether the server should be running (it is brought back after a restart of Kerbside).
    public var shouldRun: Bool { !["stopped", "stopping", "deleting", "failed"].contains(status) }

    public static func members(of clusterResourceId: String) -> QueryInterfaceRequest<RDSInstance> {
        filter(Column("clusterResourceId") == clusterResourceId).order(Column("createTime"), Column("identifier"))
    }

    public static func withId(_ resourceId: String) -> SQLRequest<RDSInstance> {
        cachedRequest(where: ["resourceId"], [resourceId])
    }

    public static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<RDSInstance> {
        filter(Column("accountId") == account && Column("region") == region && Column("identifier") == identifier.lowercased())
    }

    public static func listed(account: String, region: String) -> QueryInterfaceRequest<RDSInstance> {
        filter(Column("accountId") == account && Column("region") == region).order(Column("identifier"))
    }
}

/// An IAM role associated with an instance or cluster for a feature (`s3Import`, …).
public struct RDSAssociatedRole: Codable, Sendable, Equatable {
    public var roleArn: String
    public var featureName: String?
    public var status: String

    public init(roleArn: String, featureName: String?, status: String) {
        self.roleArn = roleArn
        self.featureName = featureName
        self.status = status
    }
}
