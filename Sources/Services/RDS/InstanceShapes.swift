import AWSWire
import Foundation
import State

/// `DBInstance` as the RDS model shapes it, built from a record.
struct DBInstanceShape: Encodable, Sendable {
    struct EndpointShape: Encodable, Sendable {
        var address: String
        var port: Int
        var hostedZoneId: String
    }

    struct VpcSecurityGroupMembership: Encodable, Sendable {
        var vpcSecurityGroupId: String
        var status: String
    }

    struct DBParameterGroupStatus: Encodable, Sendable {
        var dbParameterGroupName: String
        var parameterApplyStatus: String
    }

    struct SubnetShape: Encodable, Sendable {
        struct AvailabilityZone: Encodable, Sendable { var name: String }
        var subnetIdentifier: String
        var subnetAvailabilityZone: AvailabilityZone
        var subnetStatus: String
    }

    struct DBSubnetGroupShape: Encodable, Sendable {
        var dbSubnetGroupName: String
        var dbSubnetGroupDescription: String
        var vpcId: String
        var subnetGroupStatus: String
        var subnets: [SubnetShape]
    }

    struct DomainMembership: Encodable, Sendable {
        var domain: String
        var status: String
        var fqdn: String?
        var iamRoleName: String?
    }

    struct PendingModifiedValues: Encodable, Sendable {
        var iamDatabaseAuthenticationEnabled: Bool?
    }

    var dbInstanceIdentifier: String
    var dbInstanceClass: String
    var engine: String
    var dbInstanceStatus: String
    var masterUsername: String
    var dbName: String?
    var endpoint: EndpointShape?
    var allocatedStorage: Int
    var instanceCreateTime: Date
    var preferredBackupWindow: String
    var backupRetentionPeriod: Int
    var vpcSecurityGroups: [VpcSecurityGroupMembership]
    var dbParameterGroups: [DBParameterGroupStatus]
    var availabilityZone: String
    var dbSubnetGroup: DBSubnetGroupShape?
    var preferredMaintenanceWindow: String
    var pendingModifiedValues: PendingModifiedValues
    var latestRestorableTime: Date?
    var multiAZ: Bool
    var engineVersion: String
    var autoMinorVersionUpgrade: Bool
    var licenseModel: String
    var publiclyAccessible: Bool
    var storageType: String
    var dbInstancePort: Int
    var storageEncrypted: Bool
    var dbiResourceId: String
    var caCertificateIdentifier: String
    var domainMemberships: [DomainMembership]
    var copyTagsToSnapshot: Bool
    var monitoringInterval: Int
    var dbInstanceArn: String
    var iamDatabaseAuthenticationEnabled: Bool
    var performanceInsightsEnabled: Bool
    var deletionProtection: Bool
    var tagList: [Tag]
    var customerOwnedIpEnabled: Bool
    var networkType: String
    var backupTarget: String
    var certificateDetails: CertificateDetails
    var dbClusterIdentifier: String?
    var promotionTier: Int?
    var readReplicaSourceDBInstanceIdentifier: String?
    var readReplicaDBInstanceIdentifiers: [String]
    var associatedRoles: [Role]

    struct Role: Encodable, Sendable {
        var roleArn: String
        var featureName: String?
        var status: String
    }

    struct CertificateDetails: Encodable, Sendable {
        var caIdentifier: String
        var validTill: Date
    }

    static let hostedZoneId = "Z2R2ITUGPM61AM"
    static let caIdentifier = "rds-ca-rsa2048-g1"

    /// Related resources the shape names: the instance's cluster (whose settings a member
    /// shows), the instance it replicates, and its read replicas.
    struct Relations: Sendable {
        var cluster: RDSCluster?
        var replicaSource: String?
        var replicas: [String] = []

        static let none = Relations()
    }

    init(_ instance: RDSInstance, subnets: [EC2Subnet], tags: [Tag], now: Date, relations: Relations = .none) {
        let serving = !["creating", "failed", "deleting"].contains(instance.status)
        dbInstanceIdentifier = instance.identifier
        dbInstanceClass = instance.instanceClass
        engine = instance.engine
        dbInstanceStatus = instance.status
        masterUsername = instance.masterUsername
        dbName = instance.dbName
        endpoint = instance.status == "creating" ? nil
            : EndpointShape(address: instance.endpointHost, port: instance.port, hostedZoneId: Self.hostedZoneId)
        allocatedStorage = instance.allocatedStorage
        instanceCreateTime = instance.createTime
        preferredBackupWindow = instance.preferredBackupWindow
        backupRetentionPeriod = instance.backupRetentionPeriod
        vpcSecurityGroups = instance.vpcSecurityGroupIds.map { VpcSecurityGroupMembership(vpcSecurityGroupId: $0, status: "active") }
        dbParameterGroups = [DBParameterGroupStatus(dbParameterGroupName: instance.parameterGroupName, parameterApplyStatus: "in-sync")]
        availabilityZone = instance.availabilityZone
        dbSubnetGroup = DBSubnetGroupShape(
            dbSubnetGroupName: instance.subnetGroupName ?? "default", dbSubnetGroupDescription: instance.subnetGroupName ?? "default",
            vpcId: instance.vpcId, subnetGroupStatus: "Complete",
            subnets: subnets.map { SubnetShape(subnetIdentifier: $0.subnetId, subnetAvailabilityZone: .init(name: $0.availabilityZone), subnetStatus: "Active") })
        preferredMaintenanceWindow = instance.preferredMaintenanceWindow
        pendingModifiedValues = PendingModifiedValues(iamDatabaseAuthenticationEnabled: instance.pendingIAMAuthentication)
        latestRestorableTime = serving && instance.backupRetentionPeriod > 0 ? now : nil
        multiAZ = instance.multiAZ
        engineVersion = instance.engineVersion
        autoMinorVersionUpgrade = instance.autoMinorVersionUpgrade
        licenseModel = RDSCatalog.engine(instance.engine)?.licenseModel ?? "postgresql-license"
        publiclyAccessible = instance.publiclyAccessible
        storageType = instance.storageType
        dbInstancePort = 0
        storageEncrypted = instance.storageEncrypted
        dbiResourceId = instance.resourceId
        caCertificateIdentifier = Self.caIdentifier
        // A join waiting for a reboot shows the directory it will join, as RDS shows it.
        let pendingJoin = instance.pendingDomain == "none" ? nil : instance.pendingDomain
        domainMemberships = (instance.domain ?? pendingJoin).map { domain in
            [DomainMembership(domain: domain, status: instance.domainStatus ?? "enabling-kerberos", fqdn: instance.domainFQDN,
                              iamRoleName: instance.domain == nil ? instance.pendingDomainRoleName : instance.domainRoleName)]
        } ?? []
        copyTagsToSnapshot = instance.copyTagsToSnapshot
        monitoringInterval = 0
        dbInstanceArn = instance.arn
        iamDatabaseAuthenticationEnabled = instance.iamAuthentication
        performanceInsightsEnabled = false
        deletionProtection = instance.deletionProtection
        tagList = tags
        customerOwnedIpEnabled = false
        networkType = "IPV4"
        backupTarget = "region"
        certificateDetails = CertificateDetails(caIdentifier: Self.caIdentifier, validTill: instance.createTime.addingTimeInterval(2 * 365 * 86_400))
        readReplicaSourceDBInstanceIdentifier = relations.replicaSource
        readReplicaDBInstanceIdentifiers = relations.replicas
        associatedRoles = instance.associatedRoles.map { Role(roleArn: $0.roleArn, featureName: $0.featureName, status: $0.status) }
        if let cluster = relations.cluster {
            // A member shows what its cluster holds: the master user, database, network,
            // directory, IAM setting, backups and storage are the cluster's.
            dbClusterIdentifier = cluster.identifier
            promotionTier = instance.promotionTier
            masterUsername = cluster.masterUsername
            dbName = cluster.databaseName
            engineVersion = cluster.engineVersion
            vpcSecurityGroups = cluster.vpcSecurityGroupIds.map { VpcSecurityGroupMembership(vpcSecurityGroupId: $0, status: "active") }
            backupRetentionPeriod = cluster.backupRetentionPeriod
            preferredBackupWindow = cluster.preferredBackupWindow
            iamDatabaseAuthenticationEnabled = cluster.iamAuthentication
            domainMemberships = DBClusterShape.memberships(cluster)
            storageEncrypted = cluster.storageEncrypted
            deletionProtection = false
            allocatedStorage = 1
            storageType = "aurora"
            pendingModifiedValues = PendingModifiedValues(iamDatabaseAuthenticationEnabled: nil)
            latestRestorableTime = nil
        }
    }
}

struct DBInstanceResult: Encodable, Sendable {
    var dbInstance: DBInstanceShape
}
