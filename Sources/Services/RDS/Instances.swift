import AWSWire
import Crypto
import Foundation
import GRDB
import State

struct CreateDBInstanceRequest: Decodable, Sendable {
    var dbName: String?
    var dbInstanceIdentifier: String
    var allocatedStorage: Int?
    var dbInstanceClass: String
    var engine: String
    var masterUsername: String?
    var masterUserPassword: String?
    var vpcSecurityGroupIds: [String]?
    var availabilityZone: String?
    var dbSubnetGroupName: String?
    var preferredMaintenanceWindow: String?
    var dbParameterGroupName: String?
    var backupRetentionPeriod: Int?
    var preferredBackupWindow: String?
    var port: Int?
    var multiAZ: Bool?
    var engineVersion: String?
    var autoMinorVersionUpgrade: Bool?
    var publiclyAccessible: Bool?
    var tags: [Tag]?
    var storageType: String?
    var storageEncrypted: Bool?
    var domain: String?
    var domainIAMRoleName: String?
    var copyTagsToSnapshot: Bool?
    var enableIAMDatabaseAuthentication: Bool?
    var deletionProtection: Bool?
    var manageMasterUserPassword: Bool?
    var dbClusterIdentifier: String?
    var promotionTier: Int?
    var iops: Int?
}

struct DescribeDBInstancesRequest: Decodable, Sendable {
    struct Filter: Decodable, Sendable {
        var name: String
        var values: [String]
    }

    var dbInstanceIdentifier: String?
    var filters: [Filter]?
    var maxRecords: Int?
    var marker: String?
}

struct DescribeDBInstancesResponse: Encodable, Sendable {
    var marker: String?
    var dbInstances: [DBInstanceShape]
}

struct DeleteDBInstanceRequest: Decodable, Sendable {
    var dbInstanceIdentifier: String
    var skipFinalSnapshot: Bool?
    var finalDBSnapshotIdentifier: String?
    var deleteAutomatedBackups: Bool?
}

/// A DB instance about to be created (new, or restored from a snapshot or a point in time):
/// checked against the account's resources and inserted as `creating` in one transaction.
struct NewInstance: Sendable {
    var identifier: String
    var engine: String
    var engineVersion: String
    var instanceClass: String
    var allocatedStorage: Int
    var storageType: String
    var masterUsername: String
    var dbName: String?
    var port: Int
    var subnetGroupName: String?
    var availabilityZone: String?
    var vpcSecurityGroupIds: [String]?
    var parameterGroupName: String?
    var domain: String?
    var domainIAMRoleName: String?
    var iamAuthentication: Bool
    var backupRetentionPeriod: Int
    var preferredBackupWindow: String?
    var preferredMaintenanceWindow: String?
    var multiAZ: Bool
    var publiclyAccessible: Bool
    var storageEncrypted: Bool
    var deletionProtection: Bool
    var copyTagsToSnapshot: Bool
    var autoMinorVersionUpgrade: Bool
    var tags: [Tag]

    func insert(_ engines: EngineHost, _ call: CallContext, _ db: Database) throws -> (RDSInstance, [EC2Subnet]) {
        guard try RDSInstance.named(identifier, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
            throw RDSError.instanceAlreadyExists
        }
        let network = try InstanceRules.network(subnetGroup: subnetGroupName, zone: availabilityZone,
                                                securityGroups: vpcSecurityGroupIds, call, db)
        let family = RDSCatalog.family(engine: engine, version: engineVersion)
        let parameterGroup = try InstanceRules.parameterGroup(parameterGroupName, scope: .instance, family: family, call, db)
        var domainFQDN: String?
        if let domain {
            let directory = try DomainJoin.directory(domain, call, db)
            try DomainJoin.checkRole(domainIAMRoleName, call, db)
            domainFQDN = directory.name.lowercased()
        }
        let taken = Set(try String.fetchAll(db, sql: "SELECT address FROM \(RDSInstance.databaseTableName)"))
        guard let placement = engines.placement(port: port, avoiding: taken) else {
            throw AWSError(code: "InsufficientDBInstanceCapacity", status: 400, message: "No loopback address is free for a new DB instance.")
        }
        var instance = RDSInstance(
            resourceId: try InstanceRules.newResourceId(db), accountId: call.accountId, region: call.region,
            identifier: identifier, engine: engine, engineVersion: engineVersion, instanceClass: instanceClass,
            allocatedStorage: allocatedStorage, storageType: storageType, masterUsername: masterUsername, dbName: dbName,
            status: "creating", endpointHost: InstanceRules.endpointHost(identifier, call.accountId, call.region),
            address: placement.address, port: placement.port, availabilityZone: network.availabilityZone,
            vpcId: network.vpcId, subnetGroupName: network.subnetGroupName, vpcSecurityGroupIds: network.securityGroupIds,
            parameterGroupName: parameterGroup, iamAuthentication: iamAuthentication, backupRetentionPeriod: backupRetentionPeriod,
            preferredBackupWindow: preferredBackupWindow ?? "03:00-03:30",
            preferredMaintenanceWindow: preferredMaintenanceWindow ?? "sun:05:00-sun:05:30",
            multiAZ: multiAZ, publiclyAccessible: publiclyAccessible, storageEncrypted: storageEncrypted,
            deletionProtection: deletionProtection, copyTagsToSnapshot: copyTagsToSnapshot,
            autoMinorVersionUpgrade: autoMinorVersionUpgrade, createTime: call.now)
        if let domain {
            instance.domain = domain
            instance.domainRoleName = domainIAMRoleName
            instance.domainStatus = "enabling-kerberos"
            instance.domainFQDN = domainFQDN
        }
        try instance.insert(db)
        try ResourceTags.merge(tags, into: instance.resourceId, db)
        try RDSEvent.instance(instance, "DB instance created", ["creation"], at: call.now, db)
        return (instance, network.subnets)
    }
}

/// Where a new instance goes: its VPC, subnets, zone and security groups.
struct InstanceNetwork {
    var vpcId: String
    var subnetGroupName: String?
    var subnets: [EC2Subnet]
    var availabilityZone: String
    var securityGroupIds: [String]
}

extension RDSService {
    mutating func registerInstances() {
        let store = store, engines = engines, realms = realms, relays = relays

        operations.on("CreateDBInstance") { (input: CreateDBInstanceRequest, call) -> DBInstanceResult in
            var input = input
            // RDS reads an empty EngineVersion or DBName as not given (Terraform's provider sends both empty).
            if input.engineVersion?.isEmpty == true { input.engineVersion = nil }
            if input.dbName?.isEmpty == true { input.dbName = nil }
            let identifier = try InstanceRules.identifier(input.dbInstanceIdentifier, member: "DBInstanceIdentifier")
            if let clusterName = input.dbClusterIdentifier, !clusterName.isEmpty {
                try ClusterMembers.refuseClusterSettings(input)
                let request = input
                let (instance, shape) = try await store.write { db -> (RDSInstance, DBInstanceShape) in
                    let (instance, _) = try ClusterMembers.insert(request, identifier: identifier, clusterName: clusterName, engines: engines, call, db)
                    return (instance, try InstanceRules.shape(instance, call, db))
                }
                call.logger.info("creating DB instance \(identifier) (\(instance.resourceId)) in DB cluster \(clusterName) at \(instance.address):\(instance.port)")
                await CallWork.run { await ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger).provision(instance) }
                return DBInstanceResult(dbInstance: shape)
            }
            if RDSCatalog.engine(input.engine)?.isAurora == true {
                throw RDSError.invalidParameterCombination("DB instances of engine \(input.engine) are members of a DB cluster: create the DB cluster first (CreateDBCluster), then give its DBClusterIdentifier.")
            }
            guard let engine = RDSCatalog.engine(input.engine), engine.server != nil else {
                throw RDSError.invalidParameterValue("Invalid DB engine: \(input.engine)")
            }
            guard let version = RDSCatalog.resolveVersion(engine: input.engine, requested: input.engineVersion) else {
                throw RDSError.invalidParameterCombination("Cannot find version \(input.engineVersion ?? "") for \(input.engine)")
            }
            guard RDSCatalog.supportsInstanceClass(input.dbInstanceClass, engine: input.engine, version: version) else {
                throw RDSError.invalidParameterCombination(
                    "RDS does not support creating a DB instance with the following combination: DBInstanceClass=\(input.dbInstanceClass), Engine=\(input.engine), EngineVersion=\(version), LicenseModel=\(engine.licenseModel). For supported combinations of instance class and database engine version, see the documentation.")
            }
            let storageType = input.storageType ?? "gp2"
            guard let storage = input.allocatedStorage else {
                throw RDSError.invalidParameterValue("The parameter AllocatedStorage must be provided and must not be null.")
            }
            guard (20...65536).contains(storage) else {
                throw RDSError.invalidParameterValue("Invalid storage size for engine name \(input.engine) and storage type \(storageType): \(storage)")
            }
            let master = try InstanceRules.masterUsername(input.masterUsername, engine: engine)
            if input.manageMasterUserPassword == true {
                throw RDSError.invalidParameterValue("Kerbside does not emulate Secrets Manager: give MasterUserPassword instead of ManageMasterUserPassword.")
            }
            guard let password = input.masterUserPassword else {
                throw RDSError.invalidParameterValue("The parameter MasterUserPassword must be provided and must not be blank.")
            }
            try InstanceRules.masterPassword(password, engine: engine)
            let verifier = try engines.passwordVerifier(engine: input.engine, password)
            let port = try InstanceRules.port(input.port) ?? engine.defaultPort
            if let dbName = input.dbName { try InstanceRules.databaseName(dbName, engine: engine) }
            if input.domain != nil && input.domainIAMRoleName == nil {
                throw RDSError.invalidParameterCombination("DomainIAMRoleName must be specified when Domain is specified.")
            }
            if let domain = input.domain, !domain.isEmpty, domain != "none" { try InstanceRules.refuseDomain(engine: engine) }
            let backupRetention = input.backupRetentionPeriod ?? 1
            guard (0...35).contains(backupRetention) else {
                throw RDSError.invalidParameterValue("Invalid backup retention period: \(backupRetention). It must be between 0 and 35 days.")
            }

            let plan = NewInstance(
                identifier: identifier, engine: input.engine, engineVersion: version, instanceClass: input.dbInstanceClass,
                allocatedStorage: storage, storageType: storageType, masterUsername: master, dbName: input.dbName, port: port,
                subnetGroupName: input.dbSubnetGroupName, availabilityZone: input.availabilityZone,
                vpcSecurityGroupIds: input.vpcSecurityGroupIds, parameterGroupName: input.dbParameterGroupName,
                domain: input.domain, domainIAMRoleName: input.domainIAMRoleName,
                iamAuthentication: input.enableIAMDatabaseAuthentication ?? false, backupRetentionPeriod: backupRetention,
                preferredBackupWindow: input.preferredBackupWindow, preferredMaintenanceWindow: input.preferredMaintenanceWindow,
                multiAZ: input.multiAZ ?? false, publiclyAccessible: input.publiclyAccessible ?? false,
                storageEncrypted: input.storageEncrypted ?? false, deletionProtection: input.deletionProtection ?? false,
                copyTagsToSnapshot: input.copyTagsToSnapshot ?? false, autoMinorVersionUpgrade: input.autoMinorVersionUpgrade ?? true,
                tags: input.tags ?? [])
            let (instance, subnets) = try await store.write { db in try plan.insert(engines, call, db) }
            call.logger.info("creating DB instance \(identifier) (\(instance.resourceId)) at \(instance.address):\(instance.port)")
            let masterUser = EngineHost.MasterUser(name: master, passwordVerifier: verifier, database: input.dbName)
            await CallWork.run { await InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger).provision(instance, from: .template, master: masterUser) }
            return DBInstanceResult(dbInstance: DBInstanceShape(instance, subnets: subnets, tags: input.tags ?? [], now: call.now))
        }

        operations.on("DescribeDBInstances") { (input: DescribeDBInstancesRequest, call) -> DescribeDBInstancesResponse in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var instances: [RDSInstance]
                if let identifier = input.dbInstanceIdentifier {
                    guard let instance = try RDSInstance.named(identifier, account: call.accountId, region: call.region).fetchOne(db) else {
                        throw RDSError.instanceNotFound(identifier)
                    }
                    instances = [instance]
                } else {
                    instances = try RDSInstance.listed(account: call.accountId, region: call.region).fetchAll(db)
                }
                for filter in input.filters ?? [] {
                    instances = try InstanceRules.apply(filter.name, filter.values, to: instances, call, db)
                }
                let page = try RDSListing.page(instances, after: input.marker, limit: limit, key: \.identifier)
                return DescribeDBInstancesResponse(marker: page.nextMarker, dbInstances: try page.items.map { try InstanceRules.shape($0, call, db) })
            }
        }

        operations.on("DeleteDBInstance") { (input: DeleteDBInstanceRequest, call) -> DBInstanceResult in
            let member = try await store.read { db in
                try RDSInstance.named(input.dbInstanceIdentifier, account: call.accountId, region: call.region).fetchOne(db)
            }
            if let member, member.clusterResourceId != nil {
                // A member's data is the cluster's: no final snapshot of its own.
                if input.finalDBSnapshotIdentifier != nil {
                    throw RDSError.invalidParameterCombination("FinalDBSnapshotIdentifier can not be specified when deleting a DB instance that is a member of a DB cluster.")
                }
                let (instance, shape) = try await store.write { db -> (RDSInstance, DBInstanceShape) in
                    var instance = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                    guard instance.status != "deleting" else {
                        throw RDSError.invalidInstanceState("Instance \(instance.identifier) is already being deleted.")
                    }
                    guard !["creating", "stopped", "stopping", "starting"].contains(instance.status) else {
                        throw RDSError.invalidInstanceState("DB instance \(instance.identifier) cannot be deleted while it is \(instance.status).")
                    }
                    instance.status = "deleting"
                    try instance.update(db)
                    try RDSEvent.instance(instance, "DB instance deleted", ["deletion"], at: call.now, db)
                    return (instance, try InstanceRules.shape(instance, call, db))
                }
                await CallWork.run { await ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger).delete(instance) }
                return DBInstanceResult(dbInstance: shape)
            }
            if input.skipFinalSnapshot != true && input.finalDBSnapshotIdentifier == nil {
                throw RDSError.invalidParameterCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
            }
            if input.skipFinalSnapshot == true && input.finalDBSnapshotIdentifier != nil {
                throw RDSError.invalidParameterCombination("Cannot specify both SkipFinalSnapshot and FinalDBSnapshotIdentifier.")
            }
            let finalSnapshot = try input.finalDBSnapshotIdentifier.map { try InstanceRules.identifier($0, member: "FinalDBSnapshotIdentifier") }
            let (instance, shape, snapshot) = try await store.write { db -> (RDSInstance, DBInstanceShape, RDSSnapshot?) in
                guard var instance = try RDSInstance.named(input.dbInstanceIdentifier, account: call.accountId, region: call.region).fetchOne(db) else {
                    throw RDSError.instanceNotFound(input.dbInstanceIdentifier)
                }
                if instance.deletionProtection {
                    throw RDSError.invalidParameterCombination("Cannot delete protected DB Instance, please disable deletion protection and try again.")
                }
                guard instance.status != "deleting" else {
                    throw RDSError.invalidInstanceState("Instance \(instance.identifier) is already being deleted.")
                }
                // A final snapshot needs a running server to copy from.
                if finalSnapshot != nil && instance.status != "available" {
                    throw RDSError.invalidInstanceState("Cannot take a final snapshot of DB instance \(instance.identifier): it is \(instance.status).")
                }
                let snapshot = try finalSnapshot.map { try Snapshots.insert($0, of: instance, type: "manual", tags: [], call, db) }
                instance.status = "deleting"
                try instance.update(db)
                try RDSEvent.instance(instance, "DB instance deleted", ["deletion"], at: call.now, db)
                return (instance, try InstanceRules.shape(instance, call, db), snapshot)
            }
            let lifecycle = InstanceLifecycle(store: store, engines: engines, realms: realms, logger: call.logger)
            await CallWork.run {
                if let snapshot { await Snapshots.take(snapshot, of: instance, store: store, engines: engines) }
                await lifecycle.delete(instance)
            }
            return DBInstanceResult(dbInstance: shape)
        }
    }
}

/// RDS's rules for instance settings, and the lookups instance operations share.
enum InstanceRules {
    /// 1–63 letters, digits or hyphens, starting with a letter, no trailing or double hyphen.
    static func identifier(_ value: String, member: String) throws -> String {
        let valid = (1...63).contains(value.count) && value.first?.isLetter == true && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !value.hasSuffix("-") && !value.contains("--")
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter \(member) is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
        }
        return value.lowercased()
    }

    static let reservedUsernames: Set<String> = ["rdsadmin", "rdsrepladmin", "rds_superuser", "rds_ad", "rds_iam", "rds_password",
                                                  "rds_replication", "pg_signal_backend", "public", "none"]

    /// The MySQL family's own accounts and RDS's, which a master user cannot take.
    static let reservedMySQLUsernames: Set<String> = ["rdsadmin", "rdsrepladmin", "root", "mysql", "mariadb"]

    static func masterUsername(_ value: String?, engine: RDSCatalog.Engine = RDSCatalog.postgres) throws -> String {
        guard let value, !value.isEmpty else {
            throw RDSError.invalidParameterValue("The parameter MasterUsername must be provided and must not be blank.")
        }
        // PostgreSQL's identifiers run to 63 characters; MySQL 8's accounts to 32, MariaDB's RDS allows 16.
        let longest = engine.server == .postgres ? 63 : engine.name == "mariadb" ? 16 : 32
        let valid = value.count <= longest && value.first?.isLetter == true && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter MasterUsername is not a valid identifier. It must begin with a letter, contain only ASCII letters, digits and underscores, and be at most \(longest) characters long.")
        }
        let reserved = engine.server == .postgres
            ? reservedUsernames.contains(value.lowercased()) || value.lowercased().hasPrefix("pg_")
            : reservedMySQLUsernames.contains(value.lowercased())
        guard !reserved else {
            throw RDSError.invalidParameterValue("MasterUsername \(value) cannot be used as it is a reserved word used by the engine")
        }
        return value
    }

    /// 8–128 printable ASCII characters (41 for the MySQL family) other than `/`, `"`, `@` and space.
    static func masterPassword(_ value: String, engine: RDSCatalog.Engine = RDSCatalog.postgres) throws {
        let longest = engine.server == .postgres ? 128 : 41
        guard value.count >= 8 else {
            throw RDSError.invalidParameterValue("The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.")
        }
        guard value.count <= longest else {
            throw RDSError.invalidParameterValue("The parameter MasterUserPassword is not a valid password because it is longer than \(longest) characters.")
        }
        guard value.allSatisfy({ $0.isASCII && ($0.asciiValue ?? 0) > 32 && ($0.asciiValue ?? 0) < 127 && !"/\"@".contains($0) }) else {
            throw RDSError.invalidParameterValue("The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.")
        }
    }

    /// RDS for MariaDB cannot join a directory. RDS for MySQL can: its `auth_pam` accounts then
    /// take directory passwords (and MariaDB's `IDENTIFIED VIA gssapi` ones, Kerberos tickets).
    static func refuseDomain(engine: RDSCatalog.Engine) throws {
        guard engine.name == "mariadb" else { return }
        throw RDSError.invalidParameterCombination("Kerberos authentication is not supported for engine mariadb.")
    }

    static func port(_ value: Int?) throws -> Int? {
        guard let value else { return nil }
        guard (1150...65535).contains(value) else {
            throw RDSError.invalidParameterValue("Invalid port \(value). The port must be between 1150 and 65535.")
        }
        return value
    }

    static func databaseName(_ value: String, engine: RDSCatalog.Engine = RDSCatalog.postgres) throws {
        let reserved = engine.server == .postgres
            ? ["template0", "template1", "postgres", "rdsadmin"] : ["mysql", "information_schema", "performance_schema", "sys"]
        let valid = (1...(engine.server == .postgres ? 63 : 64)).contains(value.count) && value.first?.isLetter == true
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            && !reserved.contains(value.lowercased())
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter DBName is not a valid identifier. It must begin with a letter, contain only ASCII letters, digits and underscores, and must not be a reserved word.")
        }
    }

    /// `<identifier>.<12 characters fixed per account and region>.<region>.rds.amazonaws.com`.
    static func endpointHost(_ identifier: String, _ accountId: String, _ region: String) -> String {
        "\(identifier).\(endpointUID(accountId, region)).\(region).rds.amazonaws.com"
    }

    /// The 12 characters every endpoint of an account and region carries, fixed per both.
    static func endpointUID(_ accountId: String, _ region: String) -> String {
        let digest = SHA256.hash(data: Data("kerbside-rds-endpoint/\(accountId)/\(region)".utf8))
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String(digest.prefix(12).map { alphabet[Int($0) % alphabet.count] })
    }

    /// `db-` + 26 base32 characters, unique.
    static func newResourceId(_ db: Database) throws -> String {
        for _ in 0..<16 {
            let id = "db-" + Identifiers.random(26, from: Identifiers.base32)
            if try RDSInstance.fetchOne(db, key: id) == nil { return id }
        }
        throw AWSError(code: "InternalFailure", status: 500, message: "could not allocate a resource id")
    }

    /// The VPC and subnets from the subnet group (or the default VPC's), the zone, and the
    /// security groups (or the VPC's default group), each checked to exist in that VPC.
    static func network(subnetGroup: String?, zone: String?, securityGroups: [String]?, _ call: CallContext, _ db: Database) throws -> InstanceNetwork {
        let vpcId: String
        let subnets: [EC2Subnet]
        if let name = subnetGroup, name.lowercased() != "default" {
            guard let group = try RDSSubnetGroup.named(name, account: call.accountId, region: call.region).fetchOne(db) else {
                throw RDSError.subnetGroupNotFound(name)
            }
            vpcId = group.vpcId
            subnets = try group.subnetIds.compactMap { try EC2Subnet.withId($0).fetchOne(db) }
        } else {
            let vpc = try EC2Network.defaultVPC(call.accountId, call.region, now: call.now, db)
            vpcId = vpc.vpcId
            subnets = try EC2Subnet.inVPC(vpc.vpcId).fetchAll(db)
        }
        let zones = subnets.map(\.availabilityZone).sorted()
        if let zone, !zones.contains(zone) {
            throw RDSError.invalidParameterCombination("No subnets found for the availability zone \(zone) in the DB subnet group.")
        }
        let groups: [String]
        if let securityGroups, !securityGroups.isEmpty {
            for id in securityGroups {
                guard let group = try EC2SecurityGroup.withId(id).fetchOne(db), group.accountId == call.accountId, group.region == call.region else {
                    throw RDSError.securityGroupNotFound(id)
                }
                guard group.vpcId == vpcId else {
                    throw RDSError.invalidParameterCombination("The DB instance and EC2 security group are in different VPCs. The DB instance is in \(vpcId) and the EC2 security group is in \(group.vpcId)")
                }
            }
            groups = securityGroups
        } else {
            guard let vpc = try EC2VPC.withId(vpcId).fetchOne(db) else { throw RDSError.subnetGroupNotFound(subnetGroup ?? "default") }
            groups = [vpc.defaultSecurityGroupId]
        }
        return InstanceNetwork(vpcId: vpcId, subnetGroupName: subnetGroup?.lowercased() == "default" ? nil : subnetGroup?.lowercased(),
                               subnets: subnets, availabilityZone: zone ?? zones.first ?? "\(call.region)a", securityGroupIds: groups)
    }

    /// The named parameter group (of the instance's family), or the family's default group.
    static func parameterGroup(_ name: String?, scope: RDSParameterScope, family: String, _ call: CallContext, _ db: Database) throws -> String {
        let notFound = scope == .instance ? RDSError.parameterGroupNotFound(name ?? "") : RDSError.clusterParameterGroupNotFound(name ?? "")
        guard let name, !name.lowercased().hasPrefix("default.") else {
            let fallback = RDSCatalog.defaultParameterGroup(family: family)
            if let name, name.lowercased() != fallback { throw notFound }
            return fallback
        }
        guard let group = try RDSParameterGroup.named(name, scope: scope, account: call.accountId, region: call.region).fetchOne(db) else {
            throw notFound
        }
        guard group.family == family else {
            throw RDSError.invalidParameterCombination("The parameter group \(group.name) with DBParameterGroupFamily \(group.family) cannot be used for this instance. Please use a Parameter Group with DBParameterGroupFamily \(family)")
        }
        return group.name
    }

    static func apply(_ name: String, _ values: [String], to instances: [RDSInstance], _ call: CallContext, _ db: Database) throws -> [RDSInstance] {
        switch name {
        case "db-instance-id":
            return instances.filter { values.contains($0.identifier) || values.contains($0.arn) }
        case "dbi-resource-id":
            return instances.filter { values.contains($0.resourceId) }
        case "domain":
            return instances.filter { $0.domain.map(values.contains) ?? false }
        case "engine":
            return instances.filter { values.contains($0.engine) }
        case "db-cluster-id":
            let clusters = try RDSCluster.listed(account: call.accountId, region: call.region).fetchAll(db)
                .filter { values.contains($0.identifier) || values.contains($0.arn) }.map(\.resourceId)
            return instances.filter { $0.clusterResourceId.map(clusters.contains) ?? false }
        default:
            throw RDSError.invalidParameterValue("Unrecognized filter name: \(name).")
        }
    }

    static func shape(_ instance: RDSInstance, _ call: CallContext, _ db: Database) throws -> DBInstanceShape {
        let subnets: [EC2Subnet]
        if let name = instance.subnetGroupName, let group = try RDSSubnetGroup.named(name, account: instance.accountId, region: instance.region).fetchOne(db) {
            subnets = try group.subnetIds.compactMap { try EC2Subnet.withId($0).fetchOne(db) }
        } else {
            subnets = try EC2Subnet.inVPC(instance.vpcId).fetchAll(db)
        }
        var relations = DBInstanceShape.Relations()
        if let cluster = instance.clusterResourceId { relations.cluster = try RDSCluster.withId(cluster).fetchOne(db) }
        if let source = instance.replicaSourceResourceId { relations.replicaSource = try RDSInstance.withId(source).fetchOne(db)?.identifier }
        relations.replicas = try RDSInstance.filter(Column("replicaSourceResourceId") == instance.resourceId)
            .order(Column("identifier")).fetchAll(db).map(\.identifier)
        return DBInstanceShape(instance, subnets: subnets, tags: try ResourceTags.of(instance.resourceId, db), now: call.now,
                               relations: relations)
    }

    static func instance(_ identifier: String, _ call: CallContext, _ db: Database) throws -> RDSInstance {
        guard let instance = try RDSInstance.named(identifier, account: call.accountId, region: call.region).fetchOne(db) else {
            throw RDSError.instanceNotFound(identifier)
        }
        return instance
    }
}
