import AWSWire
import Foundation
import State

/// `DBCluster` as the RDS model shapes it, built from a record and its members.
struct DBClusterShape: Encodable, Sendable {
    struct Member: Encodable, Sendable {
        var dbInstanceIdentifier: String
        var isClusterWriter: Bool
        var dbClusterParameterGroupStatus = "in-sync"
        var promotionTier: Int
    }

    struct SecurityGroup: Encodable, Sendable {
        var vpcSecurityGroupId: String
        var status = "active"
    }

    struct Role: Encodable, Sendable {
        var roleArn: String
        var status: String
        var featureName: String?
    }

    /// Only what is waiting; RDS leaves the element out when nothing is (Terraform waits while it is not empty).
    struct PendingModifiedValues: Encodable, Sendable {
        var iamDatabaseAuthenticationEnabled: Bool?
    }

    var allocatedStorage = 1
    var availabilityZones: [String]
    var backupRetentionPeriod: Int
    var databaseName: String?
    var dbClusterIdentifier: String
    var dbClusterParameterGroup: String
    var dbSubnetGroup: String
    var status: String
    var earliestRestorableTime: Date?
    var endpoint: String
    var readerEndpoint: String
    var customEndpoints: [String]
    var multiAZ: Bool
    var engine: String
    var engineVersion: String
    var latestRestorableTime: Date?
    var port: Int
    var masterUsername: String
    var preferredBackupWindow: String
    var preferredMaintenanceWindow: String
    var readReplicaIdentifiers: [String] = []
    var dbClusterMembers: [Member]
    var vpcSecurityGroups: [SecurityGroup]
    var hostedZoneId = DBInstanceShape.hostedZoneId
    var storageEncrypted: Bool
    var dbClusterResourceId: String
    var dbClusterArn: String
    var associatedRoles: [Role]
    var iamDatabaseAuthenticationEnabled: Bool
    var clusterCreateTime: Date
    var pendingModifiedValues: PendingModifiedValues?
    var engineMode = "provisioned"
    var deletionProtection: Bool
    var httpEndpointEnabled = false
    var copyTagsToSnapshot: Bool
    var crossAccountClone = false
    var domainMemberships: [DBInstanceShape.DomainMembership]
    var tagList: [Tag]
    var networkType = "IPV4"
    var autoMinorVersionUpgrade = true
    var storageType = "aurora"
    var performanceInsightsEnabled = false
    var certificateDetails: DBInstanceShape.CertificateDetails
    var engineLifecycleSupport = "open-source-rds-extended-support"

    init(_ cluster: RDSCluster, members: [RDSInstance], customEndpoints: [RDSClusterEndpoint], tags: [Tag], now: Date) {
        availabilityZones = cluster.availabilityZones
        backupRetentionPeriod = cluster.backupRetentionPeriod
        databaseName = cluster.databaseName
        dbClusterIdentifier = cluster.identifier
        dbClusterParameterGroup = cluster.parameterGroupName
        dbSubnetGroup = cluster.subnetGroupName ?? "default"
        status = cluster.status
        let restorable = cluster.backupRetentionPeriod > 0 && !["creating", "deleting"].contains(cluster.status)
        earliestRestorableTime = restorable ? cluster.createTime : nil
        latestRestorableTime = restorable ? now : nil
        endpoint = cluster.endpointHost
        readerEndpoint = cluster.readerEndpointHost
        self.customEndpoints = customEndpoints.map(\.endpointHost)
        multiAZ = Set(members.map(\.availabilityZone)).count > 1
        engine = cluster.engine
        engineVersion = cluster.engineVersion
        port = cluster.port
        masterUsername = cluster.masterUsername
        preferredBackupWindow = cluster.preferredBackupWindow
        preferredMaintenanceWindow = cluster.preferredMaintenanceWindow
        dbClusterMembers = members.filter { $0.status != "deleting" }.map {
            Member(dbInstanceIdentifier: $0.identifier, isClusterWriter: $0.isClusterWriter, promotionTier: $0.promotionTier)
        }
        vpcSecurityGroups = cluster.vpcSecurityGroupIds.map { SecurityGroup(vpcSecurityGroupId: $0) }
        storageEncrypted = cluster.storageEncrypted
        dbClusterResourceId = cluster.resourceId
        dbClusterArn = cluster.arn
        associatedRoles = cluster.associatedRoles.map { Role(roleArn: $0.roleArn, status: $0.status, featureName: $0.featureName) }
        iamDatabaseAuthenticationEnabled = cluster.iamAuthentication
        clusterCreateTime = cluster.createTime
        pendingModifiedValues = cluster.pendingIAMAuthentication.map { PendingModifiedValues(iamDatabaseAuthenticationEnabled: $0) }
        deletionProtection = cluster.deletionProtection
        copyTagsToSnapshot = cluster.copyTagsToSnapshot
        domainMemberships = DBClusterShape.memberships(cluster)
        tagList = tags
        certificateDetails = DBInstanceShape.CertificateDetails(caIdentifier: DBInstanceShape.caIdentifier,
                                                               validTill: cluster.createTime.addingTimeInterval(2 * 365 * 86_400))
    }

    /// The cluster's directory membership, which its members show too.
    static func memberships(_ cluster: RDSCluster) -> [DBInstanceShape.DomainMembership] {
        cluster.domain.map {
            [DBInstanceShape.DomainMembership(domain: $0, status: cluster.domainStatus ?? "enabling-kerberos", fqdn: cluster.domainFQDN,
                                              iamRoleName: cluster.domainRoleName)]
        } ?? []
    }
}

struct DBClusterResult: Encodable, Sendable {
    var dbCluster: DBClusterShape
}

/// `DBClusterEndpoint`: the writer and reader endpoints every cluster has, or a custom one.
struct DBClusterEndpointShape: Encodable, Sendable {
    var dbClusterEndpointIdentifier: String?
    var dbClusterIdentifier: String
    var dbClusterEndpointResourceIdentifier: String?
    var endpoint: String
    var status: String
    var endpointType: String
    var customEndpointType: String?
    var staticMembers: [String]?
    var excludedMembers: [String]?
    var dbClusterEndpointArn: String?

    init(builtIn type: String, of cluster: RDSCluster) {
        dbClusterIdentifier = cluster.identifier
        endpoint = type == "WRITER" ? cluster.endpointHost : cluster.readerEndpointHost
        status = "available"
        endpointType = type
    }

    init(_ custom: RDSClusterEndpoint, of cluster: RDSCluster) {
        dbClusterEndpointIdentifier = custom.identifier
        dbClusterIdentifier = cluster.identifier
        dbClusterEndpointResourceIdentifier = custom.resourceId
        endpoint = custom.endpointHost
        status = custom.status
        endpointType = "CUSTOM"
        customEndpointType = custom.endpointType
        staticMembers = custom.staticMembers
        excludedMembers = custom.excludedMembers
        dbClusterEndpointArn = custom.arn
    }
}

/// `DBClusterSnapshot`.
struct DBClusterSnapshotShape: Encodable, Sendable {
    var availabilityZones: [String]
    var dbClusterSnapshotIdentifier: String
    var dbClusterIdentifier: String
    var snapshotCreateTime: Date?
    var engine: String
    var engineMode = "provisioned"
    var allocatedStorage = 1
    var status: String
    var port: Int
    var vpcId: String
    var clusterCreateTime: Date
    var masterUsername: String
    var engineVersion: String
    var licenseModel: String
    var snapshotType: String
    var percentProgress: Int
    var storageEncrypted: Bool
    var dbClusterSnapshotArn: String
    var iamDatabaseAuthenticationEnabled: Bool
    var tagList: [Tag]
    var storageType = "aurora"
    var dbClusterResourceId: String

    init(_ snapshot: RDSClusterSnapshot, tags: [Tag]) {
        availabilityZones = snapshot.availabilityZones
        dbClusterSnapshotIdentifier = snapshot.identifier
        dbClusterIdentifier = snapshot.clusterIdentifier
        snapshotCreateTime = snapshot.status == "available" ? snapshot.snapshotCreateTime : nil
        engine = snapshot.engine
        status = snapshot.status
        port = snapshot.port
        vpcId = snapshot.vpcId
        clusterCreateTime = snapshot.clusterCreateTime
        masterUsername = snapshot.masterUsername
        engineVersion = snapshot.engineVersion
        licenseModel = RDSCatalog.engine(snapshot.engine)?.licenseModel ?? "postgresql-license"
        snapshotType = snapshot.snapshotType
        percentProgress = snapshot.status == "available" ? 100 : 0
        storageEncrypted = snapshot.storageEncrypted
        dbClusterSnapshotArn = snapshot.arn
        iamDatabaseAuthenticationEnabled = snapshot.iamAuthentication
        tagList = tags
        dbClusterResourceId = snapshot.clusterResourceId
    }
}

struct DBClusterSnapshotResult: Encodable, Sendable {
    var dbClusterSnapshot: DBClusterSnapshotShape
}
