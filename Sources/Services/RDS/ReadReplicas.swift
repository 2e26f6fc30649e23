import AWSWire
import Foundation
import GRDB
import State

extension RDSService {
    struct CreateDBInstanceReadReplicaRequest: Decodable, Sendable {
        var dbInstanceIdentifier: String
        var sourceDBInstanceIdentifier: String?
        var dbInstanceClass: String?
        var availabilityZone: String?
        var port: Int?
        var multiAZ: Bool?
        var dbParameterGroupName: String?
        var publiclyAccessible: Bool?
        var tags: [Tag]?
        var dbSubnetGroupName: String?
        var vpcSecurityGroupIds: [String]?
        var copyTagsToSnapshot: Bool?
        var enableIAMDatabaseAuthentication: Bool?
        var deletionProtection: Bool?
        var domain: String?
        var domainIAMRoleName: String?
        var sourceDBClusterIdentifier: String?
        var autoMinorVersionUpgrade: Bool?
    }

    struct PromoteReadReplicaRequest: Decodable, Sendable {
        var dbInstanceIdentifier: String
        var backupRetentionPeriod: Int?
    }

    /// Read replicas of DB instances: a real streaming replica of the source's server, read-only
    /// until PromoteReadReplica makes it a standalone instance that takes writes.
    mutating func registerReadReplicas() {
        let store = store, engines = engines, realms = realms

        operations.on("CreateDBInstanceReadReplica") { (input: CreateDBInstanceReadReplicaRequest, call) -> DBInstanceResult in
            let identifier = try InstanceRules.identifier(input.dbInstanceIdentifier, member: "DBInstanceIdentifier")
            guard let sourceName = input.sourceDBInstanceIdentifier else {
                throw RDSError.invalidParameterValue(input.sourceDBClusterIdentifier == nil
                    ? "The parameter SourceDBInstanceIdentifier must be provided."
                    : "Kerbside makes read replicas of DB instances; add a reader to the Aurora cluster instead (CreateDBInstance with DBClusterIdentifier).")
            }
            let port = try InstanceRules.port(input.port)
            let (domain, role) = try ClusterRules.domain(input.domain, input.domainIAMRoleName)
            let (replica, shape) = try await store.write { db -> (RDSInstance, DBInstanceShape) in
                let source = try InstanceRules.instance(RDSTagTarget.resourceName(sourceName), call, db)
                guard source.clusterResourceId == nil else {
                    throw RDSError.invalidParameterCombination("DB instance \(source.identifier) is a member of a DB cluster; add a reader to the cluster instead.")
                }
                guard source.status == "available" else {
                    throw RDSError.invalidInstanceState("DB instance \(source.identifier) is not available: it is \(source.status).")
                }
                guard source.backupRetentionPeriod > 0 else {
                    throw RDSError.invalidInstanceState("Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.")
                }
                let instanceClass = input.dbInstanceClass ?? source.instanceClass
                guard RDSCatalog.supportsInstanceClass(instanceClass, engine: source.engine, version: source.engineVersion) else {
                    throw RDSError.invalidParameterCombination("RDS does not support creating a DB instance with the following combination: DBInstanceClass=\(instanceClass), Engine=\(source.engine), EngineVersion=\(source.engineVersion).")
                }
                let plan = NewInstance(
                    identifier: identifier, engine: source.engine, engineVersion: source.engineVersion, instanceClass: instanceClass,
                    allocatedStorage: source.allocatedStorage, storageType: source.storageType, masterUsername: source.masterUsername,
                    dbName: source.dbName, port: port ?? source.port, subnetGroupName: input.dbSubnetGroupName ?? source.subnetGroupName,
                    availabilityZone: input.availabilityZone, vpcSecurityGroupIds: input.vpcSecurityGroupIds ?? source.vpcSecurityGroupIds,
                    parameterGroupName: input.dbParameterGroupName ?? source.parameterGroupName,
                    domain: domain ?? source.domain, domainIAMRoleName: role ?? source.domainRoleName,
                    iamAuthentication: input.enableIAMDatabaseAuthentication ?? source.iamAuthentication, backupRetentionPeriod: 0,
                    preferredBackupWindow: source.preferredBackupWindow, preferredMaintenanceWindow: source.preferredMaintenanceWindow,
                    multiAZ: input.multiAZ ?? false, publiclyAccessible: input.publiclyAccessible ?? source.publiclyAccessible,
                    storageEncrypted: source.storageEncrypted, deletionProtection: input.deletionProtection ?? false,
                    copyTagsToSnapshot: input.copyTagsToSnapshot ?? false, autoMinorVersionUpgrade: input.autoMinorVersionUpgrade ?? true,
                    tags: input.tags ?? [])
                var (replica, _) = try plan.insert(engines, call, db)
                replica.replicaSourceResourceId = source.resourceId
                try replica.update(db)
                try RDSEvent.instance(source, "Read replica \(identifier) created", ["read replica"], at: call.now, db)
                return (replica, try InstanceRules.shape(replica, call, db))
            }
            call.logger.info("creating read replica \(identifier) (\(replica.resourceId)) at \(replica.address):\(replica.port)")
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            await CallWork.run { await lifecycle.provision(replica, from: .replica, master: nil) }
            return DBInstanceResult(dbInstance: shape)
        }

        operations.on("PromoteReadReplica") { (input: PromoteReadReplicaRequest, call) -> DBInstanceResult in
            let retention = try input.backupRetentionPeriod.map { days -> Int in
                guard (0...35).contains(days) else {
                    throw RDSError.invalidParameterValue("Invalid backup retention period: \(days). It must be between 0 and 35 days.")
                }
                return days
            }
            let (replica, shape) = try await store.write { db -> (RDSInstance, DBInstanceShape) in
                var replica = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                guard replica.replicaSourceResourceId != nil else {
                    throw RDSError.invalidInstanceState("DB instance \(replica.identifier) is not a read replica.")
                }
                guard replica.status == "available" else {
                    throw RDSError.invalidInstanceState("DB instance \(replica.identifier) is not available: it is \(replica.status).")
                }
                replica.status = "modifying"
                try replica.update(db)
                return (replica, try InstanceRules.shape(replica, call, db))
            }
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            await CallWork.run { await lifecycle.promote(replica, backupRetention: retention ?? 1) }
            return DBInstanceResult(dbInstance: shape)
        }
    }
}

extension InstanceLifecycle {
    /// Makes a read replica a standalone instance: its server stops following and takes
    /// writes; it keeps its own backups from then on.
    func promote(_ replica: RDSInstance, backupRetention: Int) async {
        do {
            try await engines.promote(replica)
        } catch {
            await engines.fail(replica, reason: "the read replica could not be promoted: \(error)")
            await event(replica.resourceId, "Read replica could not be promoted", ["failure"])
            return
        }
        try? await store.write { db in
            guard var current = try RDSInstance.withId(replica.resourceId).fetchOne(db) else { return }
            current.replicaSourceResourceId = nil
            current.backupRetentionPeriod = backupRetention
            try current.update(db)
        }
        try? await engines.reconfigure(replica)
        await engines.markAvailable(replica)
        await event(replica.resourceId, "Promoted read replica to a standalone database instance", ["read replica"])
        if backupRetention > 0 { await engines.takeBaseBackup(replica) }
    }

    /// A source's replicas become standalone before the source goes, as RDS does.
    func promoteReplicas(of source: RDSInstance) async {
        let replicas = (try? await store.read { db in
            try RDSInstance.filter(Column("replicaSourceResourceId") == source.resourceId).fetchAll(db)
        }) ?? []
        for replica in replicas where replica.status == "available" {
            await promote(replica, backupRetention: 1)
        }
    }
}
