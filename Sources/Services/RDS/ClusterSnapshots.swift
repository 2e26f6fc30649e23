import AWSWire
import Engines
import Foundation
import GRDB
import Logging
import Runtime
import State

extension RDSService {
    struct CreateDBClusterSnapshotRequest: Decodable, Sendable {
        var dbClusterSnapshotIdentifier: String
        var dbClusterIdentifier: String
        var tags: [Tag]?
    }

    struct DescribeDBClusterSnapshotsRequest: Decodable, Sendable {
        var dbClusterIdentifier: String?
        var dbClusterSnapshotIdentifier: String?
        var snapshotType: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
        var dbClusterResourceId: String?
    }

    struct DBClusterSnapshotMessage: Encodable, Sendable {
        var marker: String?
        var dbClusterSnapshots: [DBClusterSnapshotShape]
    }

    struct DeleteDBClusterSnapshotRequest: Decodable, Sendable {
        var dbClusterSnapshotIdentifier: String
    }

    struct CopyDBClusterSnapshotRequest: Decodable, Sendable {
        var sourceDBClusterSnapshotIdentifier: String
        var targetDBClusterSnapshotIdentifier: String
        var copyTags: Bool?
        var tags: [Tag]?
    }

    struct RestoreDBClusterFromSnapshotRequest: Decodable, Sendable {
        var availabilityZones: [String]?
        var dbClusterIdentifier: String
        var snapshotIdentifier: String
        var engine: String
        var engineVersion: String?
        var port: Int?
        var dbSubnetGroupName: String?
        var databaseName: String?
        var vpcSecurityGroupIds: [String]?
        var tags: [Tag]?
        var enableIAMDatabaseAuthentication: Bool?
        var dbClusterParameterGroupName: String?
        var deletionProtection: Bool?
        var copyTagsToSnapshot: Bool?
        var domain: String?
        var domainIAMRoleName: String?
        var dbClusterInstanceClass: String?
        var backupRetentionPeriod: Int?
        var preferredBackupWindow: String?
    }

    struct RestoreDBClusterToPointInTimeRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var restoreType: String?
        var sourceDBClusterIdentifier: String?
        var restoreToTime: Date?
        var useLatestRestorableTime: Bool?
        var port: Int?
        var dbSubnetGroupName: String?
        var vpcSecurityGroupIds: [String]?
        var tags: [Tag]?
        var enableIAMDatabaseAuthentication: Bool?
        var dbClusterParameterGroupName: String?
        var deletionProtection: Bool?
        var copyTagsToSnapshot: Bool?
        var domain: String?
        var domainIAMRoleName: String?
        var dbClusterInstanceClass: String?
        var sourceDbClusterResourceId: String?
        var backupRetentionPeriod: Int?
        var preferredBackupWindow: String?
    }

    mutating func registerClusterSnapshots() {
        let store = store, engines = engines, realms = realms, relays = relays

        @Sendable func lifecycle(_ call: CallContext) -> ClusterLifecycle {
            ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger)
        }

        operations.on("CreateDBClusterSnapshot") { (input: CreateDBClusterSnapshotRequest, call) -> DBClusterSnapshotResult in
            let identifier = try InstanceRules.identifier(input.dbClusterSnapshotIdentifier, member: "DBClusterSnapshotIdentifier")
            let (cluster, snapshot) = try await store.write { db -> (RDSCluster, RDSClusterSnapshot) in
                let cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                guard cluster.status == "available" else {
                    throw RDSError.invalidClusterState("Cannot create a snapshot because the DB cluster \(cluster.identifier) is not currently in the available state.")
                }
                return (cluster, try ClusterSnapshots.insert(identifier, of: cluster, type: "manual", tags: input.tags ?? [], call, db))
            }
            await CallWork.run { await ClusterSnapshots.take(snapshot, of: cluster, store: store, engines: engines) }
            return DBClusterSnapshotResult(dbClusterSnapshot: DBClusterSnapshotShape(snapshot, tags: input.tags ?? []))
        }

        operations.on("DescribeDBClusterSnapshots") { (input: DescribeDBClusterSnapshotsRequest, call) -> DBClusterSnapshotMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var snapshots: [RDSClusterSnapshot]
                if let identifier = input.dbClusterSnapshotIdentifier {
                    snapshots = [try SnapshotRecords.named(identifier, call, db)]
                } else {
                    snapshots = try RDSClusterSnapshot.filter(Column("accountId") == call.accountId && Column("region") == call.region)
                        .order(Column("identifier")).fetchAll(db)
                }
                if let cluster = input.dbClusterIdentifier { snapshots = snapshots.filter { $0.clusterIdentifier == cluster.lowercased() } }
                if let type = input.snapshotType { snapshots = snapshots.filter { $0.snapshotType == type } }
                if let resource = input.dbClusterResourceId { snapshots = snapshots.filter { $0.clusterResourceId == resource } }
                for filter in input.filters ?? [] {
                    switch filter.name {
                    case "db-cluster-id": snapshots = snapshots.filter { filter.values.contains($0.clusterIdentifier) }
                    case "db-cluster-snapshot-id": snapshots = snapshots.filter { filter.values.contains($0.identifier) || filter.values.contains($0.arn) }
                    case "snapshot-type": snapshots = snapshots.filter { filter.values.contains($0.snapshotType) }
                    case "engine": snapshots = snapshots.filter { filter.values.contains($0.engine) }
                    default: throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
                    }
                }
                let page = try RDSListing.page(snapshots, after: input.marker, limit: limit, key: \.identifier)
                return DBClusterSnapshotMessage(marker: page.nextMarker, dbClusterSnapshots: try page.items.map {
                    DBClusterSnapshotShape($0, tags: try ResourceTags.of($0.snapshotId, db))
                })
            }
        }

        operations.on("DeleteDBClusterSnapshot") { (input: DeleteDBClusterSnapshotRequest, call) -> DBClusterSnapshotResult in
            let (snapshot, tags) = try await SnapshotRecords.delete(input.dbClusterSnapshotIdentifier, RDSClusterSnapshot.self, call,
                                                                    store: store, engines: engines)
            return DBClusterSnapshotResult(dbClusterSnapshot: DBClusterSnapshotShape(snapshot, tags: tags))
        }

        operations.on("CopyDBClusterSnapshot") { (input: CopyDBClusterSnapshotRequest, call) -> DBClusterSnapshotResult in
            let identifier = try InstanceRules.identifier(input.targetDBClusterSnapshotIdentifier, member: "TargetDBClusterSnapshotIdentifier")
            let (copy, tags) = try await SnapshotRecords.copy(input.sourceDBClusterSnapshotIdentifier, to: identifier, RDSClusterSnapshot.self,
                                                              copyTags: input.copyTags == true, tags: input.tags ?? [], call,
                                                              store: store, engines: engines)
            return DBClusterSnapshotResult(dbClusterSnapshot: DBClusterSnapshotShape(copy, tags: tags))
        }

        operations.on("RestoreDBClusterFromSnapshot") { (input: RestoreDBClusterFromSnapshotRequest, call) -> DBClusterResult in
            let identifier = try InstanceRules.identifier(input.dbClusterIdentifier, member: "DBClusterIdentifier")
            let engine = try ClusterRules.auroraEngine(input.engine)
            if input.dbClusterInstanceClass != nil {
                throw RDSError.invalidParameterCombination("DBClusterInstanceClass isn't supported for DB engine \(engine.name).")
            }
            let port = try InstanceRules.port(input.port)
            let (domain, role) = try ClusterRules.domain(input.domain, input.domainIAMRoleName)
            let retention = try input.backupRetentionPeriod.map(ClusterRules.backupRetention)
            let (cluster, snapshot, shape) = try await store.write { db -> (RDSCluster, RDSClusterSnapshot, DBClusterShape) in
                var snapshot: RDSClusterSnapshot = try SnapshotRecords.named(input.snapshotIdentifier, call, db)
                try SnapshotRecords.requireAvailable(snapshot)
                guard snapshot.engine == engine.name else {
                    throw RDSError.invalidParameterCombination("The engine \(engine.name) does not match the snapshot's engine \(snapshot.engine).")
                }
                if let version = input.engineVersion, !version.isEmpty, version != snapshot.engineVersion,
                   !snapshot.engineVersion.hasPrefix(version + ".") {
                    throw RDSError.invalidParameterCombination("Kerbside restores a snapshot at its own engine version (\(snapshot.engineVersion)), not \(version).")
                }
                let plan = NewCluster(
                    identifier: identifier, engine: snapshot.engine, engineVersion: snapshot.engineVersion, port: port ?? snapshot.port,
                    masterUsername: snapshot.masterUsername, masterPasswordVerifier: snapshot.masterPasswordVerifier,
                    databaseName: snapshot.databaseName, parameterGroupName: input.dbClusterParameterGroupName,
                    subnetGroupName: input.dbSubnetGroupName, vpcSecurityGroupIds: input.vpcSecurityGroupIds,
                    availabilityZones: input.availabilityZones, backupRetentionPeriod: retention ?? 1,
                    preferredBackupWindow: input.preferredBackupWindow, preferredMaintenanceWindow: nil,
                    iamAuthentication: input.enableIAMDatabaseAuthentication ?? snapshot.iamAuthentication, domain: domain,
                    domainIAMRoleName: role, deletionProtection: input.deletionProtection ?? false,
                    copyTagsToSnapshot: input.copyTagsToSnapshot ?? false, storageEncrypted: snapshot.storageEncrypted, tags: input.tags ?? [])
                let cluster = try plan.insert(engines, call, db)
                snapshot.restoresInProgress += 1
                try snapshot.update(db)
                try RDSEvent.cluster(cluster, "DB cluster restored from snapshot \(snapshot.identifier)", ["creation"], at: call.now, db)
                return (cluster, snapshot, try ClusterRules.shape(cluster, call, db))
            }
            await CallWork.run {
                await ClusterSnapshots.restore(snapshot, into: cluster, engines: engines, store: store, logger: call.logger)
                await lifecycle(call).created(cluster)
            }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("RestoreDBClusterToPointInTime") { (input: RestoreDBClusterToPointInTimeRequest, call) -> DBClusterResult in
            let identifier = try InstanceRules.identifier(input.dbClusterIdentifier, member: "DBClusterIdentifier")
            if input.restoreToTime != nil && input.useLatestRestorableTime == true {
                throw RDSError.invalidParameterCombination("Cannot specify both RestoreToTime and UseLatestRestorableTime.")
            }
            if input.restoreToTime == nil && input.useLatestRestorableTime != true {
                throw RDSError.invalidParameterCombination("Either RestoreToTime or UseLatestRestorableTime must be specified.")
            }
            if let type = input.restoreType, type != "full-copy" {
                throw RDSError.invalidParameterValue("Kerbside restores full copies (RestoreType full-copy), not \(type).")
            }
            if input.dbClusterInstanceClass != nil {
                throw RDSError.invalidParameterCombination("DBClusterInstanceClass isn't supported for Aurora DB clusters.")
            }
            let port = try InstanceRules.port(input.port)
            let (domain, role) = try ClusterRules.domain(input.domain, input.domainIAMRoleName)
            let retention = try input.backupRetentionPeriod.map(ClusterRules.backupRetention)
            let source = try await store.read { db -> RDSCluster in
                if let name = input.sourceDBClusterIdentifier { return try ClusterRules.cluster(RDSTagTarget.resourceName(name), call, db) }
                if let resource = input.sourceDbClusterResourceId, let cluster = try RDSCluster.withId(resource).fetchOne(db),
                   cluster.accountId == call.accountId, cluster.region == call.region { return cluster }
                throw RDSError.clusterNotFound(input.sourceDBClusterIdentifier ?? input.sourceDbClusterResourceId ?? "")
            }
            // Everything written until now goes to the archive first, so "latest" means now.
            if let writer = try await store.read({ db in try ClusterRules.writer(of: source.resourceId, db) }) {
                do {
                    try await engines.archiveNow(writer)
                } catch {
                    throw AWSError(code: "InvalidRestoreFault", status: 400, message: "The source's changes could not be archived: \(error)")
                }
            }
            let now = Date()
            let target = input.useLatestRestorableTime == true ? nil : input.restoreToTime
            let backups = engines.baseBackups(in: engines.backupsFolder(ofCluster: source.resourceId))
            guard let earliest = backups.first?.taken else {
                throw AWSError(code: "InvalidRestoreFault", status: 400, message: "DB cluster \(source.identifier) has no backup to restore from yet: add a DB instance to it first.")
            }
            if let target, target < earliest || target > now {
                throw AWSError(code: "InvalidRestoreFault", status: 400,
                               message: "Restore time \(Timestamps.iso8601(target)) is not within the restorable window \(Timestamps.iso8601(earliest)) to \(Timestamps.iso8601(now)).")
            }
            let base = backups.last { $0.taken <= (target ?? now) } ?? backups[0]
            let (cluster, shape) = try await store.write { db -> (RDSCluster, DBClusterShape) in
                let plan = NewCluster(
                    identifier: identifier, engine: source.engine, engineVersion: source.engineVersion, port: port ?? source.port,
                    masterUsername: source.masterUsername, masterPasswordVerifier: source.masterPasswordVerifier,
                    databaseName: source.databaseName, parameterGroupName: input.dbClusterParameterGroupName ?? source.parameterGroupName,
                    subnetGroupName: input.dbSubnetGroupName ?? source.subnetGroupName,
                    vpcSecurityGroupIds: input.vpcSecurityGroupIds ?? source.vpcSecurityGroupIds, availabilityZones: source.availabilityZones,
                    backupRetentionPeriod: retention ?? source.backupRetentionPeriod, preferredBackupWindow: input.preferredBackupWindow,
                    preferredMaintenanceWindow: nil, iamAuthentication: input.enableIAMDatabaseAuthentication ?? source.iamAuthentication,
                    domain: domain, domainIAMRoleName: role, deletionProtection: input.deletionProtection ?? false,
                    copyTagsToSnapshot: input.copyTagsToSnapshot ?? false, storageEncrypted: source.storageEncrypted, tags: input.tags ?? [])
                let cluster = try plan.insert(engines, call, db)
                try RDSEvent.cluster(cluster, "DB cluster restored from \(source.identifier) to \(target.map(Timestamps.iso8601) ?? "the latest restorable time")",
                                     ["creation"], at: call.now, db)
                return (cluster, try ClusterRules.shape(cluster, call, db))
            }
            let archive = engines.changeArchive(ofCluster: source.resourceId)
            await CallWork.run {
                await ClusterSnapshots.prepareRecovery(of: cluster, base: base.data, archive: archive, targetTime: target,
                                                       engines: engines, logger: call.logger)
                await lifecycle(call).created(cluster)
            }
            return DBClusterResult(dbCluster: shape)
        }
    }
}

/// Cluster snapshot records, their files, and restores from them.
enum ClusterSnapshots {
    static func insert(_ identifier: String, of cluster: RDSCluster, type: String, tags: [Tag], _ call: CallContext,
                       _ db: Database) throws -> RDSClusterSnapshot {
        try SnapshotRecords.requireFree(identifier, RDSClusterSnapshot.self, call, db)
        let snapshot = RDSClusterSnapshot(snapshotId: SnapshotRecords.newId(RDSClusterSnapshot.self), identifier: identifier, cluster: cluster, snapshotType: type,
                                          status: "creating", snapshotCreateTime: call.now)
        try snapshot.insert(db)
        let clusterTags = cluster.copyTagsToSnapshot ? try ResourceTags.of(cluster.resourceId, db) : []
        try ResourceTags.merge(clusterTags + tags, into: snapshot.snapshotId, db)
        return snapshot
    }

    /// Copies the cluster's data (its writer's, or its volume's) into the snapshot and records
    /// `available` (or `failed`).
    static func take(_ snapshot: RDSClusterSnapshot, of cluster: RDSCluster, store: Store, engines: EngineHost) async {
        let writer = try? await store.read { db in try ClusterRules.writer(of: cluster.resourceId, db) }
        let outcome = (try? await engines.snapshot(cluster: cluster, writer: writer ?? nil, into: snapshot.snapshotId)) != nil ? "available" : "failed"
        try? await store.write { db in
            guard var current = try RDSClusterSnapshot.fetchOne(db, key: snapshot.snapshotId) else { return }
            current.status = outcome
            try current.update(db)
            if let cluster = try RDSCluster.withId(cluster.resourceId).fetchOne(db) {
                try RDSEvent.cluster(cluster, outcome == "available" ? "Cluster snapshot \(snapshot.identifier) created"
                                                                     : "Cluster snapshot \(snapshot.identifier) failed", ["backup"], db)
            }
        }
    }

    /// The restored cluster's volume is a copy of the snapshot's data (none for a snapshot of a
    /// cluster that never had data: its first writer makes a new database).
    static func restore(_ snapshot: RDSClusterSnapshot, into cluster: RDSCluster, engines: EngineHost, store: Store, logger: Logger) async {
        do {
            try await engines.makeClusterFolder(cluster)
            if engines.hasSnapshotData(snapshot.snapshotId) {
                try await FileTree.copy(engines.snapshotData(snapshot.snapshotId), to: engines.clusterVolume(cluster.resourceId))
            }
        } catch {
            logger.error("DB cluster \(cluster.identifier) could not be restored from \(snapshot.identifier): \(error)")
        }
        await SnapshotRecords.restoreFinished(snapshot.snapshotId, RDSClusterSnapshot.self, store: store)
    }

    /// The cluster's volume is the base backup; its first writer replays a copy of the source's
    /// archive (so the source may go meanwhile) up to the target time.
    static func prepareRecovery(of cluster: RDSCluster, base: URL, archive: URL, targetTime: Date?, engines: EngineHost, logger: Logger) async {
        do {
            try await engines.makeClusterFolder(cluster)
            let folder = engines.clusterFolder(cluster.resourceId)
            try await FileTree.copy(base, to: engines.clusterVolume(cluster.resourceId))
            let changes = folder.appendingPathComponent("restore-wal")
            try await FileTree.copy(archive, to: changes)
            try ClusterRecovery.write(ServerSettings.Recovery(archive: changes, targetTime: targetTime), in: folder)
        } catch {
            logger.error("DB cluster \(cluster.identifier) could not be prepared for its point-in-time restore: \(error)")
        }
    }
}
