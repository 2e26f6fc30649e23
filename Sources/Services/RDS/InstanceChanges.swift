import AWSWire
import Foundation
import GRDB
import Runtime
import State

struct ModifyDBInstanceRequest: Decodable, Sendable {
    var dbInstanceIdentifier: String
    var allocatedStorage: Int?
    var dbInstanceClass: String?
    var vpcSecurityGroupIds: [String]?
    var applyImmediately: Bool?
    var masterUserPassword: String?
    var dbParameterGroupName: String?
    var backupRetentionPeriod: Int?
    var newDBInstanceIdentifier: String?
    var domain: String?
    var disableDomain: Bool?
    var copyTagsToSnapshot: Bool?
    var dbPortNumber: Int?
    var domainIAMRoleName: String?
    var enableIAMDatabaseAuthentication: Bool?
    var deletionProtection: Bool?
    var promotionTier: Int?
    var autoMinorVersionUpgrade: Bool?
}

struct InstanceIdentifierRequest: Decodable, Sendable {
    var dbInstanceIdentifier: String
}

/// What a modify leaves for the work that follows the answer.
private enum FollowUp {
    case reload, restart, join, leave, rejoin(previous: RDSInstance)
}

extension RDSService {
    mutating func registerInstanceChanges() {
        let store = store, engines = engines, realms = realms, relays = relays

        operations.on("ModifyDBInstance") { (input: ModifyDBInstanceRequest, call) -> DBInstanceResult in
            if let password = input.masterUserPassword { try InstanceRules.masterPassword(password) }
            let newPort = try InstanceRules.port(input.dbPortNumber)
            if input.newDBInstanceIdentifier != nil {
                throw RDSError.invalidParameterCombination("Kerbside cannot rename a DB instance yet (its endpoint and Kerberos principal carry the name).")
            }
            if input.disableDomain == true && input.domain != nil && input.domain != "none" {
                throw RDSError.invalidParameterCombination("Cannot specify both Domain and DisableDomain.")
            }
            let immediately = input.applyImmediately ?? false
            let (instance, followUps, shape) = try await store.write { db -> (RDSInstance, [FollowUp], DBInstanceShape) in
                var instance = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                if instance.clusterResourceId != nil { try ClusterMembers.refuseClusterSettings(input) }
                if instance.replicaSourceResourceId != nil && input.masterUserPassword != nil {
                    throw RDSError.invalidParameterCombination("DB instance \(instance.identifier) is a read replica: its users are its source's; change the master user password on the source.")
                }
                guard instance.status == "available" else {
                    throw RDSError.invalidInstanceState("Database instance is not in available state.")
                }
                if let tier = input.promotionTier {
                    guard instance.clusterResourceId != nil else {
                        throw RDSError.invalidParameterCombination("PromotionTier applies to DB instances in an Aurora DB cluster only.")
                    }
                    guard (0...15).contains(tier) else {
                        throw RDSError.invalidParameterValue("Invalid PromotionTier \(tier). It must be between 0 and 15.")
                    }
                    instance.promotionTier = tier
                }
                if let value = input.autoMinorVersionUpgrade { instance.autoMinorVersionUpgrade = value }
                let engine = RDSCatalog.engine(instance.engine) ?? RDSCatalog.postgres
                if let password = input.masterUserPassword { try InstanceRules.masterPassword(password, engine: engine) }
                let previous = instance
                var followUps: [FollowUp] = []
                if let storage = input.allocatedStorage {
                    guard storage >= instance.allocatedStorage else {
                        throw RDSError.invalidParameterValue("Invalid storage size for engine name \(instance.engine) and storage type \(instance.storageType): \(storage)")
                    }
                    instance.allocatedStorage = storage
                }
                if let instanceClass = input.dbInstanceClass {
                    guard RDSCatalog.supportsInstanceClass(instanceClass, engine: instance.engine, version: instance.engineVersion) else {
                        throw RDSError.invalidParameterCombination("RDS does not support creating a DB instance with the following combination: DBInstanceClass=\(instanceClass), Engine=\(instance.engine), EngineVersion=\(instance.engineVersion), LicenseModel=\(RDSCatalog.engine(instance.engine)?.licenseModel ?? "postgresql-license"). For supported combinations of instance class and database engine version, see the documentation.")
                    }
                    instance.instanceClass = instanceClass
                }
                if let groups = input.vpcSecurityGroupIds {
                    let network = try InstanceRules.network(subnetGroup: instance.subnetGroupName, zone: nil, securityGroups: groups, call, db)
                    instance.vpcSecurityGroupIds = network.securityGroupIds
                }
                if let name = input.dbParameterGroupName {
                    instance.parameterGroupName = try InstanceRules.parameterGroup(
                        name, scope: .instance, family: RDSCatalog.family(engine: instance.engine, version: instance.engineVersion), call, db)
                    followUps.append(.reload)
                }
                if let retention = input.backupRetentionPeriod {
                    guard (0...35).contains(retention) else {
                        throw RDSError.invalidParameterValue("Invalid backup retention period: \(retention). It must be between 0 and 35 days.")
                    }
                    instance.backupRetentionPeriod = retention
                }
                if let value = input.copyTagsToSnapshot { instance.copyTagsToSnapshot = value }
                if let value = input.deletionProtection { instance.deletionProtection = value }
                if let port = newPort, port != instance.port {
                    guard Loopback.isFree(instance.address, port: port) else {
                        throw RDSError.invalidParameterValue("Port \(port) is in use on the DB instance's address \(instance.address).")
                    }
                    instance.port = port
                    instance.status = "modifying"
                    followUps.append(.restart)
                }
                if let enabled = input.enableIAMDatabaseAuthentication, enabled != instance.iamAuthentication {
                    if immediately {
                        instance.iamAuthentication = enabled
                        instance.pendingIAMAuthentication = nil
                        followUps.append(.reload)
                    } else {
                        instance.pendingIAMAuthentication = enabled
                    }
                }
                if input.disableDomain == true || input.domain == "none" {
                    guard instance.domain != nil || instance.pendingDomain != nil else {
                        throw RDSError.invalidParameterCombination("The DB instance is not a member of a domain.")
                    }
                    if immediately {
                        instance.domainStatus = "disabling-kerberos"
                        instance.pendingDomain = nil
                        instance.pendingDomainRoleName = nil
                        followUps.append(.leave)
                    } else {
                        instance.pendingDomain = "none"
                        instance.domainStatus = "pending-disable-kerberos"
                    }
                } else if let domain = input.domain ?? (input.domainIAMRoleName != nil ? instance.domain : nil) {
                    try InstanceRules.refuseDomain(engine: engine)
                    let directory = try DomainJoin.directory(domain, call, db)
                    let roleName = input.domainIAMRoleName ?? (domain == instance.domain ? instance.domainRoleName : nil)
                    try DomainJoin.checkRole(roleName, call, db)
                    if immediately {
                        let moving = instance.domain != nil && instance.domain != domain
                        instance.domain = domain
                        instance.domainRoleName = roleName
                        instance.domainFQDN = directory.name.lowercased()
                        instance.domainStatus = "enabling-kerberos"
                        instance.domainStatusReason = nil
                        instance.pendingDomain = nil
                        instance.pendingDomainRoleName = nil
                        followUps.append(moving ? .rejoin(previous: previous) : .join)
                    } else {
                        instance.pendingDomain = domain
                        instance.pendingDomainRoleName = roleName
                        instance.domainStatus = "pending-enable-kerberos"
                    }
                }
                try instance.update(db)
                return (instance, followUps, try InstanceRules.shape(instance, call, db))
            }
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            if let password = input.masterUserPassword {
                do {
                    try await engines.setMasterPassword(instance, username: instance.masterUsername, password)
                } catch {
                    throw AWSError(code: "InternalFailure", status: 500, message: "The master password could not be set: \(error)")
                }
            }
            // A reload takes milliseconds: done before the answer, so a login right after it (a
            // user just made IDENTIFIED WITH AWSAuthenticationPlugin) finds the change applied.
            if followUps.contains(where: { if case .reload = $0 { true } else { false } }) {
                try? await engines.reconfigure(instance)
            }
            await CallWork.run {
                for followUp in followUps {
                    switch followUp {
                    case .reload: break
                    case .restart: await engines.reboot(instance)
                    case .join: await lifecycle.applyDomain(instance.resourceId)
                    case .leave: await lifecycle.leaveDomain(instance.resourceId)
                    case .rejoin(let previous):
                        if let hosting = try? await store.read({ db in try DomainJoin.hosting(previous.domain, db) }) {
                            await engines.leaveRealm([previous.endpointHost], engine: previous.engine, directory: hosting)
                        }
                        await lifecycle.applyDomain(instance.resourceId)
                    }
                }
            }
            return DBInstanceResult(dbInstance: shape)
        }

        operations.on("RebootDBInstance") { (input: InstanceIdentifierRequest, call) -> DBInstanceResult in
            let (instance, shape) = try await transition(input.dbInstanceIdentifier, from: ["available"], to: "rebooting", "DB instance restarted", call) { instance in
                // Pending changes are applied at a reboot.
                if let pending = instance.pendingIAMAuthentication {
                    instance.iamAuthentication = pending
                    instance.pendingIAMAuthentication = nil
                }
            }
            if instance.clusterResourceId != nil {
                await CallWork.run { await ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger).reboot(instance) }
                return DBInstanceResult(dbInstance: shape)
            }
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            await CallWork.run {
                if let pending = instance.pendingDomain {
                    await lifecycle.applyPendingDomain(instance, pending)
                }
                await engines.reboot(instance)
            }
            return DBInstanceResult(dbInstance: shape)
        }

        operations.on("StopDBInstance") { (input: InstanceIdentifierRequest, call) -> DBInstanceResult in
            try await refuseMember(input.dbInstanceIdentifier, call)
            let (instance, shape) = try await transition(input.dbInstanceIdentifier, from: ["available"], to: "stopping", "DB instance stopped", call) { _ in }
            await CallWork.run {
                await engines.stop(instance)
                try? await store.write { db in
                    guard var current = try RDSInstance.fetchOne(db, key: instance.resourceId), current.status == "stopping" else { return }
                    current.status = "stopped"
                    try current.update(db)
                }
            }
            return DBInstanceResult(dbInstance: shape)
        }

        operations.on("StartDBInstance") { (input: InstanceIdentifierRequest, call) -> DBInstanceResult in
            try await refuseMember(input.dbInstanceIdentifier, call)
            let (instance, shape) = try await transition(input.dbInstanceIdentifier, from: ["stopped"], to: "starting", "DB instance started", call) { _ in }
            await CallWork.run { await engines.start(instance) }
            return DBInstanceResult(dbInstance: shape)
        }

        /// A cluster's members stop and start with their cluster.
        @Sendable func refuseMember(_ identifier: String, _ call: CallContext) async throws {
            let instance = try await store.read { db in try InstanceRules.instance(identifier, call, db) }
            if let clusterId = instance.clusterResourceId {
                let cluster = try await store.read { db in try RDSCluster.withId(clusterId).fetchOne(db) }
                throw RDSError.invalidParameterCombination("DB instance \(instance.identifier) is a member of DB cluster \(cluster?.identifier ?? clusterId): stop and start the DB cluster instead (StopDBCluster, StartDBCluster).")
            }
        }

        /// Moves an instance from one of `states` to `next` (AWS's `InvalidDBInstanceState` otherwise).
        @Sendable func transition(_ identifier: String, from states: Set<String>, to next: String, _ event: String, _ call: CallContext,
                                  _ change: @escaping @Sendable (inout RDSInstance) -> Void) async throws -> (RDSInstance, DBInstanceShape) {
            try await store.write { db in
                var instance = try InstanceRules.instance(identifier, call, db)
                guard states.contains(instance.status) else {
                    throw RDSError.invalidInstanceState("Instance \(instance.identifier) is not in \(states.sorted().joined(separator: " or ")) state; it is \(instance.status).")
                }
                instance.status = next
                change(&instance)
                try instance.update(db)
                try RDSEvent.instance(instance, event, ["availability"], at: call.now, db)
                return (instance, try InstanceRules.shape(instance, call, db))
            }
        }
    }
}

extension InstanceLifecycle {
    /// A directory change made without `ApplyImmediately`, carried out at the reboot.
    func applyPendingDomain(_ instance: RDSInstance, _ pending: String) async {
        if pending == "none" {
            await leaveDomain(instance.resourceId)
        } else {
            if let previous = instance.domain, previous != pending {
                await leaveDomain(instance.resourceId)
            }
            try? await store.write { db in
                guard var current = try RDSInstance.fetchOne(db, key: instance.resourceId) else { return }
                let directory = try DSDirectory.withId(pending).fetchOne(db)
                current.domain = pending
                current.domainRoleName = current.pendingDomainRoleName
                current.domainFQDN = directory?.name.lowercased()
                current.domainStatus = "enabling-kerberos"
                try current.update(db)
            }
            await applyDomain(instance.resourceId)
        }
        try? await store.write { db in
            guard var current = try RDSInstance.fetchOne(db, key: instance.resourceId) else { return }
            current.pendingDomain = nil
            current.pendingDomainRoleName = nil
            try current.update(db)
        }
    }
}
