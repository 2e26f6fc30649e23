import AWSWire
import Foundation
import GRDB
import Runtime
import State

extension RDSService {
    struct CreateDBClusterRequest: Decodable, Sendable {
        var availabilityZones: [String]?
        var backupRetentionPeriod: Int?
        var databaseName: String?
        var dbClusterIdentifier: String
        var dbClusterParameterGroupName: String?
        var vpcSecurityGroupIds: [String]?
        var dbSubnetGroupName: String?
        var engine: String
        var engineVersion: String?
        var port: Int?
        var masterUsername: String?
        var masterUserPassword: String?
        var preferredBackupWindow: String?
        var preferredMaintenanceWindow: String?
        var tags: [Tag]?
        var storageEncrypted: Bool?
        var enableIAMDatabaseAuthentication: Bool?
        var engineMode: String?
        var dbClusterInstanceClass: String?
        var allocatedStorage: Int?
        var storageType: String?
        var iops: Int?
        var deletionProtection: Bool?
        var globalClusterIdentifier: String?
        var copyTagsToSnapshot: Bool?
        var domain: String?
        var domainIAMRoleName: String?
        var manageMasterUserPassword: Bool?
    }

    struct DescribeDBClustersRequest: Decodable, Sendable {
        var dbClusterIdentifier: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
        var includeShared: Bool?
    }

    struct DBClusterMessage: Encodable, Sendable {
        var marker: String?
        var dbClusters: [DBClusterShape]
    }

    struct ModifyDBClusterRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var newDBClusterIdentifier: String?
        var applyImmediately: Bool?
        var backupRetentionPeriod: Int?
        var dbClusterParameterGroupName: String?
        var vpcSecurityGroupIds: [String]?
        var port: Int?
        var masterUserPassword: String?
        var preferredBackupWindow: String?
        var preferredMaintenanceWindow: String?
        var enableIAMDatabaseAuthentication: Bool?
        var engineVersion: String?
        var domain: String?
        var domainIAMRoleName: String?
        var deletionProtection: Bool?
        var copyTagsToSnapshot: Bool?
        var manageMasterUserPassword: Bool?
    }

    struct DeleteDBClusterRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var skipFinalSnapshot: Bool?
        var finalDBSnapshotIdentifier: String?
        var deleteAutomatedBackups: Bool?
    }

    struct ClusterIdentifierRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
    }

    struct FailoverDBClusterRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var targetDBInstanceIdentifier: String?
    }

    struct DescribeGlobalClustersRequest: Decodable, Sendable {
        var globalClusterIdentifier: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct GlobalClustersMessage: Encodable, Sendable {
        var marker: String?
        var globalClusters: [String]
    }
}

/// A DB cluster about to be made (new, or restored from a snapshot or a point in time):
/// checked against the account's resources and inserted as `creating` in one transaction.
struct NewCluster: Sendable {
    var identifier: String
    var engine: String
    var engineVersion: String
    var port: Int
    var masterUsername: String
    var masterPasswordVerifier: String
    var databaseName: String?
    var parameterGroupName: String?
    var subnetGroupName: String?
    var vpcSecurityGroupIds: [String]?
    var availabilityZones: [String]?
    var backupRetentionPeriod: Int
    var preferredBackupWindow: String?
    var preferredMaintenanceWindow: String?
    var iamAuthentication: Bool
    var domain: String?
    var domainIAMRoleName: String?
    var deletionProtection: Bool
    var copyTagsToSnapshot: Bool
    var storageEncrypted: Bool
    var tags: [Tag]

    func insert(_ engines: EngineHost, _ call: CallContext, _ db: Database) throws -> RDSCluster {
        guard try RDSCluster.named(identifier, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
            throw RDSError.clusterAlreadyExists
        }
        let network = try InstanceRules.network(subnetGroup: subnetGroupName, zone: nil, securityGroups: vpcSecurityGroupIds, call, db)
        let zones = Array(Set(network.subnets.map(\.availabilityZone))).sorted()
        if let wanted = availabilityZones, let outside = wanted.first(where: { !zones.contains($0) }) {
            throw RDSError.invalidParameterCombination("Availability zone \(outside) is not in the DB subnet group's zones (\(zones.joined(separator: ", "))).")
        }
        let family = RDSCatalog.family(engine: engine, version: engineVersion)
        let parameterGroup = try InstanceRules.parameterGroup(parameterGroupName, scope: .cluster, family: family, call, db)
        var domainFQDN: String?
        if let domain {
            let directory = try DomainJoin.directory(domain, call, db)
            try DomainJoin.checkRole(domainIAMRoleName, call, db)
            domainFQDN = directory.name.lowercased()
        }
        let taken = try ClusterRules.takenAddresses(db)
        guard let writer = engines.placement(port: port, avoiding: taken), writer.port == port,
              let reader = engines.placement(port: port, avoiding: taken.union([writer.address])), reader.port == port else {
            throw AWSError(code: "InsufficientDBClusterCapacityFault", status: 403, message: "No loopback address is free for the cluster's endpoints on port \(port).")
        }
        var cluster = RDSCluster(
            resourceId: try ClusterRules.newResourceId("cluster-", db), accountId: call.accountId, region: call.region,
            identifier: identifier, engine: engine, engineVersion: engineVersion, status: "creating",
            endpointHost: ClusterNames.host(identifier, kind: "cluster", call.accountId, call.region),
            readerEndpointHost: ClusterNames.host(identifier, kind: "cluster-ro", call.accountId, call.region),
            address: writer.address, readerAddress: reader.address, port: port, masterUsername: masterUsername,
            masterPasswordVerifier: masterPasswordVerifier, databaseName: databaseName, parameterGroupName: parameterGroup,
            subnetGroupName: network.subnetGroupName, vpcId: network.vpcId, vpcSecurityGroupIds: network.securityGroupIds,
            availabilityZones: availabilityZones ?? Array(zones.prefix(3)), backupRetentionPeriod: backupRetentionPeriod,
            preferredBackupWindow: preferredBackupWindow ?? "03:00-03:30",
            preferredMaintenanceWindow: preferredMaintenanceWindow ?? "sun:05:00-sun:05:30", iamAuthentication: iamAuthentication,
            deletionProtection: deletionProtection, copyTagsToSnapshot: copyTagsToSnapshot, storageEncrypted: storageEncrypted,
            createTime: call.now)
        if let domain {
            cluster.domain = domain
            cluster.domainRoleName = domainIAMRoleName
            cluster.domainStatus = "enabling-kerberos"
            cluster.domainFQDN = domainFQDN
        }
        try cluster.insert(db)
        try ResourceTags.merge(tags, into: cluster.resourceId, db)
        return cluster
    }
}

extension RDSService {
    mutating func registerClusters() {
        let store = store, engines = engines, realms = realms, relays = relays

        @Sendable func lifecycle(_ call: CallContext) -> ClusterLifecycle {
            ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger)
        }

        operations.on("CreateDBCluster") { (input: CreateDBClusterRequest, call) -> DBClusterResult in
            var input = input
            if input.engineVersion?.isEmpty == true { input.engineVersion = nil }
            if input.databaseName?.isEmpty == true { input.databaseName = nil }
            let identifier = try InstanceRules.identifier(input.dbClusterIdentifier, member: "DBClusterIdentifier")
            let engine = try ClusterRules.auroraEngine(input.engine)
            if input.dbClusterInstanceClass != nil {
                throw RDSError.invalidParameterCombination("DBClusterInstanceClass isn't supported for DB engine \(engine.name).")
            }
            if let mode = input.engineMode, mode != "provisioned" {
                throw RDSError.invalidParameterValue("Kerbside runs provisioned Aurora clusters (EngineMode provisioned), not \(mode).")
            }
            if input.globalClusterIdentifier != nil {
                throw RDSError.invalidParameterValue("Kerbside does not serve global databases: leave out GlobalClusterIdentifier.")
            }
            if let storage = input.storageType, !["aurora", "aurora-iopt1"].contains(storage) {
                throw RDSError.invalidParameterValue("Invalid storage type for DB engine \(engine.name): \(storage)")
            }
            guard let version = RDSCatalog.resolveVersion(engine: engine.name, requested: input.engineVersion) else {
                throw RDSError.invalidParameterCombination("Cannot find version \(input.engineVersion ?? "") for \(engine.name)")
            }
            let master = try InstanceRules.masterUsername(input.masterUsername)
            if input.manageMasterUserPassword == true {
                throw RDSError.invalidParameterValue("Kerbside does not emulate Secrets Manager: give MasterUserPassword instead of ManageMasterUserPassword.")
            }
            guard let password = input.masterUserPassword else {
                throw RDSError.invalidParameterValue("The parameter MasterUserPassword must be provided and must not be blank.")
            }
            try InstanceRules.masterPassword(password)
            if let name = input.databaseName { try InstanceRules.databaseName(name) }
            let port = try InstanceRules.port(input.port) ?? engine.defaultPort
            let (domain, role) = try ClusterRules.domain(input.domain, input.domainIAMRoleName)
            let retention = try ClusterRules.backupRetention(input.backupRetentionPeriod ?? 1)
            let plan = NewCluster(
                identifier: identifier, engine: engine.name, engineVersion: version, port: port, masterUsername: master,
                masterPasswordVerifier: try engines.passwordVerifier(engine: engine.name, password), databaseName: input.databaseName,
                parameterGroupName: input.dbClusterParameterGroupName, subnetGroupName: input.dbSubnetGroupName,
                vpcSecurityGroupIds: input.vpcSecurityGroupIds, availabilityZones: input.availabilityZones,
                backupRetentionPeriod: retention, preferredBackupWindow: input.preferredBackupWindow,
                preferredMaintenanceWindow: input.preferredMaintenanceWindow,
                iamAuthentication: input.enableIAMDatabaseAuthentication ?? false, domain: domain, domainIAMRoleName: role,
                deletionProtection: input.deletionProtection ?? false, copyTagsToSnapshot: input.copyTagsToSnapshot ?? false,
                storageEncrypted: input.storageEncrypted ?? false, tags: input.tags ?? [])
            let (cluster, shape) = try await store.write { db -> (RDSCluster, DBClusterShape) in
                let cluster = try plan.insert(engines, call, db)
                return (cluster, try ClusterRules.shape(cluster, call, db))
            }
            call.logger.info("creating DB cluster \(identifier) (\(cluster.resourceId)) at \(cluster.address):\(cluster.port)")
            await CallWork.run { await lifecycle(call).created(cluster) }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("DescribeDBClusters") { (input: DescribeDBClustersRequest, call) -> DBClusterMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var clusters: [RDSCluster]
                if let identifier = input.dbClusterIdentifier {
                    clusters = [try ClusterRules.cluster(identifier, call, db)]
                } else {
                    clusters = try RDSCluster.listed(account: call.accountId, region: call.region).fetchAll(db)
                }
                for filter in input.filters ?? [] {
                    clusters = try ClusterRules.apply(filter, to: clusters)
                }
                let page = try RDSListing.page(clusters, after: input.marker, limit: limit, key: \.identifier)
                return DBClusterMessage(marker: page.nextMarker, dbClusters: try page.items.map { try ClusterRules.shape($0, call, db) })
            }
        }

        operations.on("ModifyDBCluster") { (input: ModifyDBClusterRequest, call) -> DBClusterResult in
            if let password = input.masterUserPassword { try InstanceRules.masterPassword(password) }
            if input.newDBClusterIdentifier != nil {
                throw RDSError.invalidParameterCombination("Kerbside cannot rename a DB cluster yet (its endpoints and Kerberos principals carry the name).")
            }
            if input.manageMasterUserPassword == true {
                throw RDSError.invalidParameterValue("Kerbside does not emulate Secrets Manager: give MasterUserPassword instead of ManageMasterUserPassword.")
            }
            let retention = try input.backupRetentionPeriod.map(ClusterRules.backupRetention)
            let newPort = try InstanceRules.port(input.port)
            let immediately = input.applyImmediately ?? false
            let leaving = input.domain.map { $0.isEmpty || $0.lowercased() == "none" } ?? false
            let (previous, cluster, changes) = try await store.write { db -> (RDSCluster, RDSCluster, ClusterChanges) in
                var cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                try ClusterRules.requireAvailable(cluster)
                let previous = cluster
                var changes = ClusterChanges()
                if let newPort, newPort != cluster.port {
                    // Every server and endpoint of the cluster moves to the new port on its own address.
                    let members = try RDSInstance.members(of: cluster.resourceId).fetchAll(db)
                    let addresses = members.map(\.address) + [cluster.address, cluster.readerAddress]
                        + (try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db).map(\.address))
                    guard addresses.allSatisfy({ Loopback.isFree($0, port: newPort) }) else {
                        throw RDSError.invalidParameterValue("Port \(newPort) is in use on one of the DB cluster's addresses.")
                    }
                    cluster.port = newPort
                    cluster.status = "modifying"
                    for var member in members {
                        member.port = newPort
                        member.status = "modifying"
                        try member.update(db)
                    }
                    changes.restart = true
                }
                if let requested = input.engineVersion, !requested.isEmpty,
                   RDSCatalog.resolveVersion(engine: cluster.engine, requested: requested) != cluster.engineVersion
                    && !cluster.engineVersion.hasPrefix(requested + ".") {
                    throw RDSError.invalidParameterCombination("Kerbside cannot upgrade a DB cluster from \(cluster.engineVersion) to \(requested).")
                }
                if let retention { cluster.backupRetentionPeriod = retention }
                if let window = input.preferredBackupWindow { cluster.preferredBackupWindow = window }
                if let window = input.preferredMaintenanceWindow { cluster.preferredMaintenanceWindow = window }
                if let value = input.deletionProtection { cluster.deletionProtection = value }
                if let value = input.copyTagsToSnapshot { cluster.copyTagsToSnapshot = value }
                if let groups = input.vpcSecurityGroupIds {
                    let network = try InstanceRules.network(subnetGroup: cluster.subnetGroupName, zone: nil, securityGroups: groups, call, db)
                    cluster.vpcSecurityGroupIds = network.securityGroupIds
                }
                if let name = input.dbClusterParameterGroupName, name.lowercased() != cluster.parameterGroupName {
                    cluster.parameterGroupName = try InstanceRules.parameterGroup(
                        name, scope: .cluster, family: RDSCatalog.family(engine: cluster.engine, version: cluster.engineVersion), call, db)
                    changes.reload = true
                }
                if let password = input.masterUserPassword {
                    cluster.masterPasswordVerifier = try engines.passwordVerifier(engine: cluster.engine, password)
                }
                if let enabled = input.enableIAMDatabaseAuthentication, enabled != cluster.iamAuthentication {
                    if immediately {
                        cluster.iamAuthentication = enabled
                        cluster.pendingIAMAuthentication = nil
                        changes.reload = true
                    } else {
                        cluster.pendingIAMAuthentication = enabled
                    }
                }
                if leaving {
                    if cluster.domain != nil {
                        cluster.domain = nil
                        cluster.domainRoleName = nil
                        cluster.domainStatus = nil
                        cluster.domainFQDN = nil
                        cluster.domainStatusReason = nil
                        changes.leave = true
                    }
                } else if let domain = input.domain ?? (input.domainIAMRoleName.map { _ in cluster.domain } ?? nil) {
                    let directory = try DomainJoin.directory(domain, call, db)
                    let role = input.domainIAMRoleName.flatMap { $0.isEmpty ? nil : $0 } ?? (domain == cluster.domain ? cluster.domainRoleName : nil)
                    guard role != nil else {
                        throw RDSError.invalidParameterCombination("DomainIAMRoleName must be specified when Domain is specified.")
                    }
                    try DomainJoin.checkRole(role, call, db)
                    changes.leave = cluster.domain != nil && cluster.domain != domain
                    cluster.domain = domain
                    cluster.domainRoleName = role
                    cluster.domainFQDN = directory.name.lowercased()
                    cluster.domainStatus = "enabling-kerberos"
                    cluster.domainStatusReason = nil
                    changes.join = true
                }
                try cluster.update(db)
                try RDSEvent.cluster(cluster, "DB cluster modified", ["configuration change"], at: call.now, db)
                return (previous, cluster, changes)
            }
            if let password = input.masterUserPassword {
                let writer = try await store.read { db in try ClusterRules.writer(of: cluster.resourceId, db) }
                if let writer, await engines.isRunning(writer) {
                    do {
                        try await engines.setMasterPassword(writer, username: cluster.masterUsername, password)
                    } catch {
                        throw AWSError(code: "InternalFailure", status: 500, message: "The master password could not be set: \(error)")
                    }
                }
            }
            let work = lifecycle(call)
            if changes.restart {
                await CallWork.run { await work.restartAll(cluster.resourceId) }
            }
            if changes.leave { await work.leaveDomain(cluster.resourceId, previous: previous) }
            if changes.join {
                await CallWork.run { await work.applyDomain(cluster.resourceId) }
            } else if changes.reload || changes.leave {
                await work.reconfigureMembers(cluster.resourceId)
            }
            return DBClusterResult(dbCluster: try await store.read { db in try ClusterRules.shape(cluster, call, db) })
        }

        operations.on("DeleteDBCluster") { (input: DeleteDBClusterRequest, call) -> DBClusterResult in
            if input.skipFinalSnapshot != true && input.finalDBSnapshotIdentifier == nil {
                throw RDSError.invalidParameterCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
            }
            if input.skipFinalSnapshot == true && input.finalDBSnapshotIdentifier != nil {
                throw RDSError.invalidParameterCombination("Cannot specify both SkipFinalSnapshot and FinalDBSnapshotIdentifier.")
            }
            let finalName = try input.finalDBSnapshotIdentifier.map { try InstanceRules.identifier($0, member: "FinalDBSnapshotIdentifier") }
            let (cluster, shape, snapshot) = try await store.write { db -> (RDSCluster, DBClusterShape, RDSClusterSnapshot?) in
                var cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                if cluster.deletionProtection {
                    throw RDSError.invalidParameterCombination("Cannot delete protected Cluster, please disable deletion protection and try again.")
                }
                guard cluster.status != "deleting" else {
                    throw RDSError.invalidClusterState("Cluster \(cluster.identifier) is already being deleted.")
                }
                guard cluster.status != "stopped" && cluster.status != "stopping" else {
                    throw RDSError.invalidClusterState("You can't delete a stopped DB cluster; start it first. DB cluster \(cluster.identifier) is \(cluster.status).")
                }
                let live = try RDSInstance.members(of: cluster.resourceId).fetchAll(db).filter { $0.status != "deleting" }
                guard live.isEmpty else {
                    throw RDSError.invalidClusterState("Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
                }
                let snapshot = try finalName.map { try ClusterSnapshots.insert($0, of: cluster, type: "manual", tags: [], call, db) }
                cluster.status = "deleting"
                try cluster.update(db)
                try RDSEvent.cluster(cluster, "DB cluster deleted", ["deletion"], at: call.now, db)
                return (cluster, try ClusterRules.shape(cluster, call, db), snapshot)
            }
            await CallWork.run { await lifecycle(call).delete(cluster, finalSnapshot: snapshot) }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("StopDBCluster") { (input: ClusterIdentifierRequest, call) -> DBClusterResult in
            let (cluster, shape) = try await transition(input.dbClusterIdentifier, from: "available", to: "stopping", call)
            await CallWork.run { await lifecycle(call).stop(cluster.resourceId) }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("StartDBCluster") { (input: ClusterIdentifierRequest, call) -> DBClusterResult in
            let (cluster, shape) = try await transition(input.dbClusterIdentifier, from: "stopped", to: "starting", call)
            await CallWork.run { await lifecycle(call).start(cluster.resourceId) }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("FailoverDBCluster") { (input: FailoverDBClusterRequest, call) -> DBClusterResult in
            let (cluster, shape) = try await store.write { db -> (RDSCluster, DBClusterShape) in
                var cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                try ClusterRules.requireAvailable(cluster)
                let members = try RDSInstance.members(of: cluster.resourceId).fetchAll(db)
                if let target = input.targetDBInstanceIdentifier {
                    guard let member = members.first(where: { $0.identifier == target.lowercased() }) else {
                        throw RDSError.invalidParameterValue("The target instance \(target) is not a member of DB cluster \(cluster.identifier).")
                    }
                    guard !member.isClusterWriter else {
                        throw RDSError.invalidParameterValue("DB instance \(member.identifier) is already the writer of DB cluster \(cluster.identifier).")
                    }
                    guard member.status == "available" else {
                        throw RDSError.invalidInstanceState("The target instance \(member.identifier) is not available: it is \(member.status).")
                    }
                }
                guard members.contains(where: \.isClusterWriter) else {
                    throw RDSError.invalidClusterState("DB cluster \(cluster.identifier) has no writer to fail over from.")
                }
                cluster.status = "failing-over"
                try cluster.update(db)
                return (cluster, try ClusterRules.shape(cluster, call, db))
            }
            let target = input.targetDBInstanceIdentifier?.lowercased()
            await CallWork.run { await lifecycle(call).failover(cluster.resourceId, to: target) }
            return DBClusterResult(dbCluster: shape)
        }

        operations.on("DescribeGlobalClusters") { (input: DescribeGlobalClustersRequest, _) -> GlobalClustersMessage in
            _ = try RDSListing.limit(input.maxRecords)
            for filter in input.filters ?? [] where !["db-cluster-id", "engine", "global-cluster-id"].contains(filter.name) {
                throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
            }
            // Kerbside serves no global databases; a named one does not exist.
            if let name = input.globalClusterIdentifier {
                throw AWSError(code: "GlobalClusterNotFoundFault", status: 404, message: "Global cluster \(name) not found.")
            }
            return GlobalClustersMessage(marker: nil, globalClusters: [])
        }

        /// Moves a cluster from `state` to `next` (AWS's `InvalidDBClusterStateFault` otherwise).
        @Sendable func transition(_ identifier: String, from state: String, to next: String, _ call: CallContext) async throws -> (RDSCluster, DBClusterShape) {
            try await store.write { db in
                var cluster = try ClusterRules.cluster(identifier, call, db)
                guard cluster.status == state else {
                    throw RDSError.invalidClusterState("DbCluster \(cluster.identifier) is in \(cluster.status) state but expected it to be one of \(state).")
                }
                cluster.status = next
                try cluster.update(db)
                for var member in try RDSInstance.members(of: cluster.resourceId).fetchAll(db) where member.status != "deleting" {
                    member.status = next
                    try member.update(db)
                }
                return (cluster, try ClusterRules.shape(cluster, call, db))
            }
        }
    }
}

/// What a ModifyDBCluster leaves for the work that follows the answer.
struct ClusterChanges: Sendable {
    var reload = false
    var restart = false
    var join = false
    var leave = false
}

/// RDS's rules for clusters, and the lookups cluster operations share.
enum ClusterRules {
    /// The engine of a new cluster: an Aurora engine Kerbside runs.
    static func auroraEngine(_ name: String) throws -> RDSCatalog.Engine {
        guard let engine = RDSCatalog.engine(name) else {
            throw RDSError.invalidParameterValue("Invalid DB engine: \(name)")
        }
        guard engine.isAurora else {
            throw RDSError.invalidParameterValue("Kerbside serves Aurora DB clusters (engines aurora-postgresql and aurora-mysql); \(name) Multi-AZ DB clusters are not served.")
        }
        return engine
    }

    /// `Domain` and its role; `none` or an empty `Domain` (what Terraform sends) means none.
    static func domain(_ domain: String?, _ role: String?) throws -> (String?, String?) {
        guard let domain, !domain.isEmpty, domain.lowercased() != "none" else { return (nil, nil) }
        guard let role, !role.isEmpty else {
            throw RDSError.invalidParameterCombination("DomainIAMRoleName must be specified when Domain is specified.")
        }
        return (domain, role)
    }

    /// Aurora keeps backups for 1 to 35 days.
    static func backupRetention(_ days: Int) throws -> Int {
        guard (1...35).contains(days) else {
            throw RDSError.invalidParameterValue("Invalid backup retention period: \(days). It must be between 1 and 35 days for an Aurora DB cluster.")
        }
        return days
    }

    static func requireAvailable(_ cluster: RDSCluster) throws {
        guard cluster.status == "available" else {
            throw RDSError.invalidClusterState("DbCluster \(cluster.identifier) is in \(cluster.status) state but expected it to be one of available.")
        }
    }

    static func cluster(_ identifier: String, _ call: CallContext, _ db: Database) throws -> RDSCluster {
        guard let cluster = try RDSCluster.named(identifier, account: call.accountId, region: call.region).fetchOne(db) else {
            throw RDSError.clusterNotFound(identifier)
        }
        return cluster
    }

    static func writer(of clusterId: String, _ db: Database) throws -> RDSInstance? {
        try RDSInstance.members(of: clusterId).filter(Column("isClusterWriter") == true).fetchOne(db)
    }

    /// Loopback addresses in use by servers and cluster endpoints.
    static func takenAddresses(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: """
            SELECT address FROM \(RDSInstance.databaseTableName)
            UNION SELECT address FROM \(RDSCluster.databaseTableName)
            UNION SELECT readerAddress FROM \(RDSCluster.databaseTableName)
            UNION SELECT address FROM \(RDSClusterEndpoint.databaseTableName)
            """))
    }

    /// `<prefix>` + 26 upper-case base32 characters, unique among clusters and endpoints.
    static func newResourceId(_ prefix: String, _ db: Database) throws -> String {
        for _ in 0..<16 {
            let id = prefix + Identifiers.random(26, from: Identifiers.base32)
            if try RDSCluster.fetchOne(db, key: id) == nil, try RDSClusterEndpoint.fetchOne(db, key: id) == nil { return id }
        }
        throw AWSError(code: "InternalFailure", status: 500, message: "could not allocate a resource id")
    }

    static func apply(_ filter: RDSListFilter, to clusters: [RDSCluster]) throws -> [RDSCluster] {
        switch filter.name {
        case "db-cluster-id":
            return clusters.filter { filter.values.contains($0.identifier) || filter.values.contains($0.arn) }
        case "db-cluster-resource-id":
            return clusters.filter { filter.values.contains($0.resourceId) }
        case "engine":
            return clusters.filter { filter.values.contains($0.engine) }
        case "domain":
            return clusters.filter { $0.domain.map(filter.values.contains) ?? false }
        case "clone-group-id":
            return []
        default:
            throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
        }
    }

    static func shape(_ cluster: RDSCluster, _ call: CallContext, _ db: Database) throws -> DBClusterShape {
        DBClusterShape(cluster, members: try RDSInstance.members(of: cluster.resourceId).fetchAll(db),
                       customEndpoints: try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db),
                       tags: try ResourceTags.of(cluster.resourceId, db), now: call.now)
    }
}

extension RDSError {
    static func clusterNotFound(_ identifier: String) -> AWSError {
        AWSError(code: "DBClusterNotFoundFault", status: 404, message: "DBCluster \(identifier) not found.")
    }
    static let clusterAlreadyExists = AWSError(code: "DBClusterAlreadyExistsFault", status: 400, message: "DB Cluster already exists")
    static func invalidClusterState(_ message: String) -> AWSError { AWSError(code: "InvalidDBClusterStateFault", status: 400, message: message) }
}
