import AWSWire
import Engines
import Foundation
import GRDB
import State

struct DBSnapshotShape: Encodable, Sendable {
    var dbSnapshotIdentifier: String
    var dbInstanceIdentifier: String
    var snapshotCreateTime: Date?
    var engine: String
    var allocatedStorage: Int
    var status: String
    var port: Int
    var availabilityZone: String
    var vpcId: String
    var instanceCreateTime: Date
    var masterUsername: String
    var engineVersion: String
    var licenseModel: String
    var snapshotType: String
    var percentProgress: Int
    var storageType: String
    var encrypted: Bool
    var dbSnapshotArn: String
    var iamDatabaseAuthenticationEnabled: Bool
    var dbiResourceId: String
    var tagList: [Tag]
    var originalSnapshotCreateTime: Date
    var snapshotTarget: String

    init(_ snapshot: RDSSnapshot, tags: [Tag]) {
        dbSnapshotIdentifier = snapshot.identifier
        dbInstanceIdentifier = snapshot.instanceIdentifier
        snapshotCreateTime = snapshot.status == "available" ? snapshot.snapshotCreateTime : nil
        engine = snapshot.engine
        allocatedStorage = snapshot.allocatedStorage
        status = snapshot.status
        port = snapshot.port
        availabilityZone = snapshot.availabilityZone
        vpcId = snapshot.vpcId
        instanceCreateTime = snapshot.instanceCreateTime
        masterUsername = snapshot.masterUsername
        engineVersion = snapshot.engineVersion
        licenseModel = RDSCatalog.engine(snapshot.engine)?.licenseModel ?? "postgresql-license"
        snapshotType = snapshot.snapshotType
        percentProgress = snapshot.status == "available" ? 100 : 0
        storageType = snapshot.storageType
        encrypted = false
        dbSnapshotArn = snapshot.arn
        iamDatabaseAuthenticationEnabled = snapshot.iamAuthentication
        dbiResourceId = snapshot.instanceResourceId
        tagList = tags
        originalSnapshotCreateTime = snapshot.snapshotCreateTime
        snapshotTarget = "region"
    }
}

extension RDSService {
    struct CreateDBSnapshotRequest: Decodable, Sendable {
        var dbSnapshotIdentifier: String
        var dbInstanceIdentifier: String
        var tags: [Tag]?
    }

    struct DBSnapshotResult: Encodable, Sendable {
        var dbSnapshot: DBSnapshotShape
    }

    struct DescribeDBSnapshotsRequest: Decodable, Sendable {
        var dbInstanceIdentifier: String?
        var dbSnapshotIdentifier: String?
        var snapshotType: String?
        var dbiResourceId: String?
        var maxRecords: Int?
        var marker: String?
    }

    struct DescribeDBSnapshotsResponse: Encodable, Sendable {
        var marker: String?
        var dbSnapshots: [DBSnapshotShape]
    }

    struct DeleteDBSnapshotRequest: Decodable, Sendable {
        var dbSnapshotIdentifier: String
    }

    struct RestoreFromSnapshotRequest: Decodable, Sendable {
        var dbInstanceIdentifier: String
        var dbSnapshotIdentifier: String?
        var dbInstanceClass: String?
        var port: Int?
        var availabilityZone: String?
        var dbSubnetGroupName: String?
        var multiAZ: Bool?
        var publiclyAccessible: Bool?
        var autoMinorVersionUpgrade: Bool?
        var tags: [Tag]?
        var storageType: String?
        var vpcSecurityGroupIds: [String]?
        var domain: String?
        var domainIAMRoleName: String?
        var copyTagsToSnapshot: Bool?
        var enableIAMDatabaseAuthentication: Bool?
        var dbParameterGroupName: String?
        var deletionProtection: Bool?
        var allocatedStorage: Int?
        var backupRetentionPeriod: Int?
    }

    struct RestoreToPointInTimeRequest: Decodable, Sendable {
        var sourceDBInstanceIdentifier: String?
        var targetDBInstanceIdentifier: String
        var restoreTime: Date?
        var useLatestRestorableTime: Bool?
        var dbInstanceClass: String?
        var port: Int?
        var availabilityZone: String?
        var dbSubnetGroupName: String?
        var multiAZ: Bool?
        var publiclyAccessible: Bool?
        var autoMinorVersionUpgrade: Bool?
        var copyTagsToSnapshot: Bool?
        var tags: [Tag]?
        var storageType: String?
        var vpcSecurityGroupIds: [String]?
        var domain: String?
        var domainIAMRoleName: String?
        var enableIAMDatabaseAuthentication: Bool?
        var dbParameterGroupName: String?
        var deletionProtection: Bool?
        var sourceDbiResourceId: String?
        var allocatedStorage: Int?
        var backupRetentionPeriod: Int?
    }

    struct CopyDBSnapshotRequest: Decodable, Sendable {
        var sourceDBSnapshotIdentifier: String
        var targetDBSnapshotIdentifier: String
        var tags: [Tag]?
        var copyTags: Bool?
    }

    mutating func registerSnapshots() {
        let store = store, engines = engines, realms = realms

        operations.on("CopyDBSnapshot") { (input: CopyDBSnapshotRequest, call) -> DBSnapshotResult in
            let identifier = try InstanceRules.identifier(input.targetDBSnapshotIdentifier, member: "TargetDBSnapshotIdentifier")
            let (copy, tags) = try await SnapshotRecords.copy(input.sourceDBSnapshotIdentifier, to: identifier, RDSSnapshot.self,
                                                              copyTags: input.copyTags == true, tags: input.tags ?? [], call,
                                                              store: store, engines: engines)
            return DBSnapshotResult(dbSnapshot: DBSnapshotShape(copy, tags: tags))
        }

        operations.on("CreateDBSnapshot") { (input: CreateDBSnapshotRequest, call) -> DBSnapshotResult in
            let identifier = try InstanceRules.identifier(input.dbSnapshotIdentifier, member: "DBSnapshotIdentifier")
            let (instance, snapshot) = try await store.write { db -> (RDSInstance, RDSSnapshot) in
                let instance = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                guard instance.clusterResourceId == nil else {
                    throw RDSError.invalidParameterValue("The specified instance \(instance.identifier) is a member of a DB cluster; snapshot the DB cluster instead (CreateDBClusterSnapshot).")
                }
                guard instance.status == "available" else {
                    throw RDSError.invalidInstanceState("Cannot create a snapshot because the database instance \(instance.identifier) is not currently in the available state.")
                }
                let snapshot = try Snapshots.insert(identifier, of: instance, type: "manual", tags: input.tags ?? [], call, db)
                return (instance, snapshot)
            }
            await CallWork.run { await Snapshots.take(snapshot, of: instance, store: store, engines: engines) }
            return DBSnapshotResult(dbSnapshot: DBSnapshotShape(snapshot, tags: input.tags ?? []))
        }

        operations.on("DescribeDBSnapshots") { (input: DescribeDBSnapshotsRequest, call) -> DescribeDBSnapshotsResponse in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var snapshots: [RDSSnapshot]
                if let identifier = input.dbSnapshotIdentifier {
                    snapshots = [try SnapshotRecords.named(identifier, call, db)]
                } else {
                    snapshots = try RDSSnapshot.filter(Column("accountId") == call.accountId && Column("region") == call.region)
                        .order(Column("identifier")).fetchAll(db)
                }
                if let instance = input.dbInstanceIdentifier { snapshots = snapshots.filter { $0.instanceIdentifier == instance.lowercased() } }
                if let type = input.snapshotType { snapshots = snapshots.filter { $0.snapshotType == type } }
                if let resource = input.dbiResourceId { snapshots = snapshots.filter { $0.instanceResourceId == resource } }
                let page = try RDSListing.page(snapshots, after: input.marker, limit: limit, key: \.identifier)
                return DescribeDBSnapshotsResponse(marker: page.nextMarker, dbSnapshots: try page.items.map {
                    DBSnapshotShape($0, tags: try ResourceTags.of($0.snapshotId, db))
                })
            }
        }

        operations.on("DeleteDBSnapshot") { (input: DeleteDBSnapshotRequest, call) -> DBSnapshotResult in
            let (snapshot, tags) = try await SnapshotRecords.delete(input.dbSnapshotIdentifier, RDSSnapshot.self, call,
                                                                    store: store, engines: engines)
            return DBSnapshotResult(dbSnapshot: DBSnapshotShape(snapshot, tags: tags))
        }

        operations.on("RestoreDBInstanceFromDBSnapshot") { (input: RestoreFromSnapshotRequest, call) -> DBInstanceResult in
            let identifier = try InstanceRules.identifier(input.dbInstanceIdentifier, member: "DBInstanceIdentifier")
            guard let snapshotName = input.dbSnapshotIdentifier else {
                throw RDSError.invalidParameterValue("The parameter DBSnapshotIdentifier must be provided.")
            }
            let port = try InstanceRules.port(input.port)
            if input.domain != nil && input.domainIAMRoleName == nil {
                throw RDSError.invalidParameterCombination("DomainIAMRoleName must be specified when Domain is specified.")
            }
            let (instance, snapshot, subnets) = try await store.write { db -> (RDSInstance, RDSSnapshot, [EC2Subnet]) in
                var snapshot: RDSSnapshot = try SnapshotRecords.named(snapshotName, call, db)
                try SnapshotRecords.requireAvailable(snapshot)
                let plan = try Snapshots.plan(identifier: identifier, from: snapshot, instanceClass: input.dbInstanceClass, port: port,
                                              storage: input.allocatedStorage, storageType: input.storageType,
                                              subnetGroup: input.dbSubnetGroupName, zone: input.availabilityZone,
                                              securityGroups: input.vpcSecurityGroupIds, parameterGroup: input.dbParameterGroupName,
                                              domain: input.domain, domainRole: input.domainIAMRoleName,
                                              iamAuthentication: input.enableIAMDatabaseAuthentication,
                                              backupRetention: input.backupRetentionPeriod, deletionProtection: input.deletionProtection,
                                              copyTagsToSnapshot: input.copyTagsToSnapshot, tags: input.tags)
                let (instance, subnets) = try plan.insert(engines, call, db)
                snapshot.restoresInProgress += 1
                try snapshot.update(db)
                return (instance, snapshot, subnets)
            }
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            let snapshotId = snapshot.snapshotId
            await CallWork.run {
                await lifecycle.provision(instance, from: .copy(engines.snapshotData(snapshotId)), master: nil) {
                    await SnapshotRecords.restoreFinished(snapshotId, RDSSnapshot.self, store: store)
                }
            }
            return DBInstanceResult(dbInstance: DBInstanceShape(instance, subnets: subnets, tags: input.tags ?? [], now: call.now))
        }

        operations.on("RestoreDBInstanceToPointInTime") { (input: RestoreToPointInTimeRequest, call) -> DBInstanceResult in
            let identifier = try InstanceRules.identifier(input.targetDBInstanceIdentifier, member: "TargetDBInstanceIdentifier")
            let port = try InstanceRules.port(input.port)
            if input.restoreTime != nil && input.useLatestRestorableTime == true {
                throw RDSError.invalidParameterCombination("Cannot specify both RestoreTime and UseLatestRestorableTime.")
            }
            if input.restoreTime == nil && input.useLatestRestorableTime != true {
                throw RDSError.invalidParameterCombination("Either RestoreTime or UseLatestRestorableTime must be specified.")
            }
            if input.domain != nil && input.domainIAMRoleName == nil {
                throw RDSError.invalidParameterCombination("DomainIAMRoleName must be specified when Domain is specified.")
            }
            let source = try await store.read { db -> RDSInstance in
                if let name = input.sourceDBInstanceIdentifier { return try InstanceRules.instance(name, call, db) }
                if let resource = input.sourceDbiResourceId, let instance = try RDSInstance.fetchOne(db, key: resource),
                   instance.accountId == call.accountId, instance.region == call.region { return instance }
                throw RDSError.instanceNotFound(input.sourceDBInstanceIdentifier ?? input.sourceDbiResourceId ?? "")
            }
            guard source.backupRetentionPeriod > 0 else {
                throw AWSError(code: "PointInTimeRestoreNotEnabled", status: 400,
                               message: "Point-in-time restore is not enabled for DB instance \(source.identifier): its backup retention period is 0.")
            }
            // Everything written until now goes to the archive first, so "latest" means now.
            do {
                try await engines.archiveNow(source)
            } catch {
                throw AWSError(code: "InvalidRestoreFault", status: 400, message: "The source's changes could not be archived: \(error)")
            }
            let now = Date()
            let target = input.useLatestRestorableTime == true ? nil : input.restoreTime
            let backups = engines.baseBackups(in: engines.backupsFolder(of: source))
            guard let earliest = backups.first?.taken else {
                throw AWSError(code: "InvalidRestoreFault", status: 400, message: "DB instance \(source.identifier) has no backup to restore from yet.")
            }
            if let target, target < earliest || target > now {
                throw AWSError(code: "InvalidRestoreFault", status: 400,
                               message: "Restore time \(Timestamps.iso8601(target)) is not within the restorable window \(Timestamps.iso8601(earliest)) to \(Timestamps.iso8601(now)).")
            }
            let base = backups.last { $0.taken <= (target ?? now) } ?? backups[0]
            // The source's settings as a snapshot would carry them (never stored): restores from a
            // snapshot and to a point in time share one plan.
            let snapshotLike = RDSSnapshot(snapshotId: "pitr", accountId: call.accountId, region: call.region, identifier: "pitr",
                                           instance: source, snapshotType: "automated", status: "available", snapshotCreateTime: now)
            let (instance, subnets) = try await store.write { db -> (RDSInstance, [EC2Subnet]) in
                let plan = try Snapshots.plan(identifier: identifier, from: snapshotLike, instanceClass: input.dbInstanceClass, port: port,
                                              storage: input.allocatedStorage, storageType: input.storageType,
                                              subnetGroup: input.dbSubnetGroupName ?? source.subnetGroupName, zone: input.availabilityZone,
                                              securityGroups: input.vpcSecurityGroupIds, parameterGroup: input.dbParameterGroupName,
                                              domain: input.domain, domainRole: input.domainIAMRoleName,
                                              iamAuthentication: input.enableIAMDatabaseAuthentication,
                                              backupRetention: input.backupRetentionPeriod ?? source.backupRetentionPeriod,
                                              deletionProtection: input.deletionProtection, copyTagsToSnapshot: input.copyTagsToSnapshot,
                                              tags: input.tags)
                return try plan.insert(engines, call, db)
            }
            let recovery = ServerSettings.Recovery(archive: engines.changeArchive(of: source), targetTime: target)
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            await CallWork.run { await lifecycle.provision(instance, from: .copy(base.data), master: nil, recovery: recovery) }
            return DBInstanceResult(dbInstance: DBInstanceShape(instance, subnets: subnets, tags: input.tags ?? [], now: call.now))
        }
    }
}

/// DB snapshots of instances, their files, and restores from them.
enum Snapshots {
    static func insert(_ identifier: String, of instance: RDSInstance, type: String, tags: [Tag], _ call: CallContext,
                       _ db: Database) throws -> RDSSnapshot {
        try SnapshotRecords.requireFree(identifier, RDSSnapshot.self, call, db)
        let snapshot = RDSSnapshot(snapshotId: SnapshotRecords.newId(RDSSnapshot.self),
                                   accountId: call.accountId, region: call.region, identifier: identifier, instance: instance,
                                   snapshotType: type, status: "creating", snapshotCreateTime: call.now)
        try snapshot.insert(db)
        let instanceTags = instance.copyTagsToSnapshot ? try ResourceTags.of(instance.resourceId, db) : []
        try ResourceTags.merge(instanceTags + tags, into: snapshot.snapshotId, db)
        return snapshot
    }

    /// Copies the instance's data into the snapshot and records `available` (or `failed`).
    static func take(_ snapshot: RDSSnapshot, of instance: RDSInstance, store: Store, engines: EngineHost) async {
        let outcome: String
        do {
            try await engines.snapshot(instance, into: snapshot.snapshotId)
            outcome = "available"
        } catch {
            outcome = "failed"
        }
        try? await store.write { db in
            guard var current = try RDSSnapshot.fetchOne(db, key: snapshot.snapshotId) else { return }
            current.status = outcome
            try current.update(db)
            try RDSEvent.instance(instance, outcome == "available" ? "Snapshot \(snapshot.identifier) created" : "Snapshot \(snapshot.identifier) failed",
                                  ["backup"], db)
        }
    }

    /// A new instance with the snapshot's settings, overridden by what the restore request gives.
    static func plan(identifier: String, from snapshot: RDSSnapshot, instanceClass: String?, port: Int?, storage: Int?,
                     storageType: String?, subnetGroup: String?, zone: String?, securityGroups: [String]?, parameterGroup: String?,
                     domain: String?, domainRole: String?, iamAuthentication: Bool?, backupRetention: Int?, deletionProtection: Bool?,
                     copyTagsToSnapshot: Bool?, tags: [Tag]?) throws -> NewInstance {
        let instanceClass = instanceClass ?? "db.t3.micro"
        guard RDSCatalog.supportsInstanceClass(instanceClass, engine: snapshot.engine, version: snapshot.engineVersion) else {
            throw RDSError.invalidParameterCombination("RDS does not support creating a DB instance with the following combination: DBInstanceClass=\(instanceClass), Engine=\(snapshot.engine), EngineVersion=\(snapshot.engineVersion), LicenseModel=\(RDSCatalog.engine(snapshot.engine)?.licenseModel ?? "postgresql-license"). For supported combinations of instance class and database engine version, see the documentation.")
        }
        return NewInstance(
            identifier: identifier, engine: snapshot.engine, engineVersion: snapshot.engineVersion, instanceClass: instanceClass,
            allocatedStorage: max(storage ?? snapshot.allocatedStorage, snapshot.allocatedStorage),
            storageType: storageType ?? snapshot.storageType, masterUsername: snapshot.masterUsername, dbName: snapshot.dbName,
            port: port ?? snapshot.port, subnetGroupName: subnetGroup, availabilityZone: zone, vpcSecurityGroupIds: securityGroups,
            parameterGroupName: parameterGroup, domain: domain, domainIAMRoleName: domainRole,
            iamAuthentication: iamAuthentication ?? snapshot.iamAuthentication, backupRetentionPeriod: backupRetention ?? 1,
            preferredBackupWindow: nil, preferredMaintenanceWindow: nil, multiAZ: false, publiclyAccessible: false,
            storageEncrypted: false, deletionProtection: deletionProtection ?? false, copyTagsToSnapshot: copyTagsToSnapshot ?? false,
            autoMinorVersionUpgrade: true, tags: tags ?? [])
    }
}
