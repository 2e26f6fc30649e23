import AWSWire
import Foundation
import GRDB
import State

/// DB instances in an Aurora cluster: CreateDBInstance with `DBClusterIdentifier` (the first
/// member becomes the writer, the rest its readers), and the settings RDS refuses on a member
/// because they are the cluster's.
enum ClusterMembers {
    /// Refuses what a member's CreateDBInstance may not set, in RDS's words.
    static func refuseClusterSettings(_ input: CreateDBInstanceRequest) throws {
        let clusterOwned: [(Bool, String)] = [
            (input.masterUserPassword != nil, "Set master user password for the DB Cluster."),
            (input.masterUsername != nil, "Set master user name for the DB Cluster."),
            (input.allocatedStorage != nil || input.iops != nil || (input.storageType.map { !$0.hasPrefix("aurora") } ?? false),
             "Set storage for the DB Cluster."),
            (input.vpcSecurityGroupIds?.isEmpty == false, "Set VPC security groups for the DB Cluster."),
            (input.domain != nil || input.domainIAMRoleName != nil, "Set the domain for the DB Cluster."),
            (input.enableIAMDatabaseAuthentication != nil, "Set IAM database authentication for the DB Cluster."),
            (input.backupRetentionPeriod != nil, "Set backup retention period for the DB Cluster."),
            (input.preferredBackupWindow != nil, "Set backup window for the DB Cluster."),
            (input.port != nil, "Set port for the DB Cluster."),
            (input.deletionProtection != nil, "Set deletion protection for the DB Cluster."),
            (input.multiAZ == true, "Use more DB instances in the DB Cluster instead of Multi-AZ."),
            (input.dbName != nil, "Set the database name for the DB Cluster."),
            (input.storageEncrypted != nil, "Set storage encryption for the DB Cluster."),
        ]
        if let (_, advice) = clusterOwned.first(where: \.0) {
            throw RDSError.invalidParameterCombination("The requested DB Instance will be a member of a DB Cluster. \(advice)")
        }
    }

    /// Inserts a member as `creating`: the cluster's engine, version, network and port on an
    /// address of its own; the writer when the cluster has none.
    static func insert(_ input: CreateDBInstanceRequest, identifier: String, clusterName: String, engines: EngineHost,
                       _ call: CallContext, _ db: Database) throws -> (RDSInstance, RDSCluster) {
        let cluster = try ClusterRules.cluster(clusterName, call, db)
        guard cluster.status == "available" else {
            throw RDSError.invalidClusterState("DbCluster \(cluster.identifier) is in \(cluster.status) state but expected it to be one of available.")
        }
        guard input.engine == cluster.engine else {
            throw RDSError.invalidParameterCombination("The engine name requested for your DB instance (\(input.engine)) doesn't match the engine name of your DB cluster (\(cluster.engine)).")
        }
        if let version = input.engineVersion, version != cluster.engineVersion, !cluster.engineVersion.hasPrefix(version + ".") {
            throw RDSError.invalidParameterCombination("The engine version requested for your DB instance (\(version)) doesn't match the engine version of your DB cluster (\(cluster.engineVersion)).")
        }
        guard RDSCatalog.supportsInstanceClass(input.dbInstanceClass, engine: cluster.engine, version: cluster.engineVersion) else {
            throw RDSError.invalidParameterCombination(
                "RDS does not support creating a DB instance with the following combination: DBInstanceClass=\(input.dbInstanceClass), Engine=\(cluster.engine), EngineVersion=\(cluster.engineVersion), LicenseModel=\(RDSCatalog.engine(cluster.engine)?.licenseModel ?? ""). For supported combinations of instance class and database engine version, see the documentation.")
        }
        let tier = input.promotionTier ?? 1
        guard (0...15).contains(tier) else {
            throw RDSError.invalidParameterValue("Invalid PromotionTier \(tier). It must be between 0 and 15.")
        }
        if let group = input.dbSubnetGroupName, group.lowercased() != (cluster.subnetGroupName ?? "default") {
            throw RDSError.invalidParameterCombination("The DB subnet group \(group) is not the DB cluster's (\(cluster.subnetGroupName ?? "default")).")
        }
        guard try RDSInstance.named(identifier, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
            throw RDSError.instanceAlreadyExists
        }
        let network = try InstanceRules.network(subnetGroup: cluster.subnetGroupName, zone: input.availabilityZone,
                                                securityGroups: cluster.vpcSecurityGroupIds, call, db)
        let family = RDSCatalog.family(engine: cluster.engine, version: cluster.engineVersion)
        let parameterGroup = try InstanceRules.parameterGroup(input.dbParameterGroupName, scope: .instance, family: family, call, db)
        let members = try RDSInstance.members(of: cluster.resourceId).fetchAll(db).filter { $0.status != "deleting" }
        guard let placement = engines.placement(port: cluster.port, avoiding: try ClusterRules.takenAddresses(db)), placement.port == cluster.port else {
            throw AWSError(code: "InsufficientDBInstanceCapacity", status: 400, message: "No loopback address is free for a new DB instance on port \(cluster.port).")
        }
        // Members spread over the cluster's zones, as RDS places them when none is asked for.
        let zone = input.availabilityZone ?? cluster.availabilityZones[members.count % max(1, cluster.availabilityZones.count)]
        var instance = RDSInstance(
            resourceId: try InstanceRules.newResourceId(db), accountId: call.accountId, region: call.region,
            identifier: identifier, engine: cluster.engine, engineVersion: cluster.engineVersion, instanceClass: input.dbInstanceClass,
            allocatedStorage: 1, storageType: "aurora", masterUsername: cluster.masterUsername, dbName: cluster.databaseName,
            status: "creating", endpointHost: InstanceRules.endpointHost(identifier, call.accountId, call.region),
            address: placement.address, port: cluster.port, availabilityZone: zone, vpcId: cluster.vpcId,
            subnetGroupName: cluster.subnetGroupName, vpcSecurityGroupIds: network.securityGroupIds, parameterGroupName: parameterGroup,
            iamAuthentication: cluster.iamAuthentication, backupRetentionPeriod: cluster.backupRetentionPeriod,
            preferredBackupWindow: cluster.preferredBackupWindow,
            preferredMaintenanceWindow: input.preferredMaintenanceWindow ?? cluster.preferredMaintenanceWindow,
            multiAZ: false, publiclyAccessible: input.publiclyAccessible ?? false, storageEncrypted: cluster.storageEncrypted,
            deletionProtection: false, copyTagsToSnapshot: input.copyTagsToSnapshot ?? false,
            autoMinorVersionUpgrade: input.autoMinorVersionUpgrade ?? true, createTime: call.now)
        instance.clusterResourceId = cluster.resourceId
        instance.isClusterWriter = !members.contains(where: \.isClusterWriter)
        instance.promotionTier = tier
        try instance.insert(db)
        try ResourceTags.merge(input.tags ?? [], into: instance.resourceId, db)
        try RDSEvent.instance(instance, "DB instance created in DB cluster \(cluster.identifier)", ["creation"], at: call.now, db)
        return (instance, cluster)
    }

    /// What ModifyDBInstance may not change on a member, in RDS's words.
    static func refuseClusterSettings(_ input: ModifyDBInstanceRequest) throws {
        let clusterOwned: [(Bool, String)] = [
            (input.backupRetentionPeriod != nil, "backup retention"),
            (input.deletionProtection != nil, "deletion protection"),
            (input.masterUserPassword != nil, "master user password"),
            (input.allocatedStorage != nil, "storage"),
            (input.vpcSecurityGroupIds != nil, "VPC security groups"),
            (input.domain != nil || input.disableDomain != nil || input.domainIAMRoleName != nil, "the domain"),
            (input.enableIAMDatabaseAuthentication != nil, "IAM database authentication"),
            (input.dbPortNumber != nil, "the port"),
        ]
        if let (_, setting) = clusterOwned.first(where: \.0) {
            throw RDSError.invalidParameterCombination("The specified DB Instance is a member of a cluster. Modify \(setting) for the DB Cluster using the ModifyDbCluster API")
        }
    }
}
