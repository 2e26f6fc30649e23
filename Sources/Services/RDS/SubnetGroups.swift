import AWSWire
import Foundation
import GRDB
import State

// Nested: the names are RDS's shapes, and other services could have the same.
extension RDSService {
    struct CreateDBSubnetGroupRequest: Decodable, Sendable {
        var dbSubnetGroupName: String
        var dbSubnetGroupDescription: String
        var subnetIds: [String]
        var tags: [Tag]?
    }

    struct ModifyDBSubnetGroupRequest: Decodable, Sendable {
        var dbSubnetGroupName: String
        var dbSubnetGroupDescription: String?
        var subnetIds: [String]
    }

    struct DeleteDBSubnetGroupRequest: Decodable, Sendable {
        var dbSubnetGroupName: String
    }

    struct DescribeDBSubnetGroupsRequest: Decodable, Sendable {
        var dbSubnetGroupName: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct DBSubnetGroupShape: Encodable, Sendable {
        struct SubnetShape: Encodable, Sendable {
            struct Zone: Encodable, Sendable { var name: String }
            var subnetIdentifier: String
            var subnetAvailabilityZone: Zone
            var subnetStatus = "Active"
        }

        var dbSubnetGroupName: String
        var dbSubnetGroupDescription: String
        var vpcId: String
        var subnetGroupStatus = "Complete"
        var subnets: [SubnetShape]
        var dbSubnetGroupArn: String
        var supportedNetworkTypes = ["IPV4"]

        init(_ group: RDSSubnetGroup, subnets: [EC2Subnet]) {
            dbSubnetGroupName = group.name
            dbSubnetGroupDescription = group.description
            vpcId = group.vpcId
            self.subnets = subnets.map { SubnetShape(subnetIdentifier: $0.subnetId, subnetAvailabilityZone: .init(name: $0.availabilityZone)) }
            dbSubnetGroupArn = group.arn
        }
    }

    struct DBSubnetGroupResult: Encodable, Sendable {
        var dbSubnetGroup: DBSubnetGroupShape
    }

    struct DBSubnetGroupMessage: Encodable, Sendable {
        var marker: String?
        var dbSubnetGroups: [DBSubnetGroupShape]
    }
}

extension RDSService {
    mutating func registerSubnetGroups() {
        let store = store

        operations.on("CreateDBSubnetGroup") { (input: CreateDBSubnetGroupRequest, call) -> DBSubnetGroupResult in
            let name = try SubnetGroupRules.name(input.dbSubnetGroupName)
            return try await store.write { db in
                guard try RDSSubnetGroup.named(name, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
                    throw RDSError.subnetGroupAlreadyExists(name)
                }
                let count = try RDSSubnetGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region).fetchCount(db)
                guard count < SubnetGroupRules.groupsPerRegion else {
                    throw AWSError(code: "DBSubnetGroupQuotaExceeded", status: 400,
                                   message: "Cannot create more than \(SubnetGroupRules.groupsPerRegion) DB subnet groups.")
                }
                let subnets = try SubnetGroupRules.subnets(input.subnetIds, call, db)
                let group = RDSSubnetGroup(accountId: call.accountId, region: call.region, name: name,
                                           description: input.dbSubnetGroupDescription, vpcId: subnets[0].vpcId,
                                           subnetIds: subnets.map(\.subnetId), createdAt: call.now)
                try group.insert(db)
                try ResourceTags.merge(input.tags ?? [], into: group.arn, db)
                return DBSubnetGroupResult(dbSubnetGroup: DBSubnetGroupShape(group, subnets: subnets))
            }
        }

        operations.on("DescribeDBSubnetGroups") { (input: DescribeDBSubnetGroupsRequest, call) -> DBSubnetGroupMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            if try await store.read({ db in try EC2Network.needsDefaultVPC(call.accountId, call.region, db) }) {
                _ = try await store.write { db in try EC2Network.ensureDefaultVPC(call.accountId, call.region, now: call.now, db) }
            }
            return try await store.read { db in
                var groups = try RDSSubnetGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region)
                    .order(Column("name")).fetchAll(db)
                if let implicit = try SubnetGroupRules.defaultGroup(call, db) {
                    groups.append(implicit)
                    groups.sort { $0.name < $1.name }
                }
                if let name = input.dbSubnetGroupName {
                    groups = groups.filter { $0.name == name.lowercased() }
                    guard !groups.isEmpty else { throw RDSError.subnetGroupNotFound(name) }
                }
                let page = try RDSListing.page(groups, after: input.marker, limit: limit, key: \.name)
                return DBSubnetGroupMessage(marker: page.nextMarker, dbSubnetGroups: try page.items.map { group in
                    DBSubnetGroupShape(group, subnets: try SubnetGroupRules.subnets(of: group, db))
                })
            }
        }

        operations.on("ModifyDBSubnetGroup") { (input: ModifyDBSubnetGroupRequest, call) -> DBSubnetGroupResult in
            if input.dbSubnetGroupName.lowercased() == SubnetGroupRules.defaultName {
                throw RDSError.invalidParameterValue("You can't modify the default subnet group.")
            }
            return try await store.write { db in
                guard var group = try RDSSubnetGroup.named(input.dbSubnetGroupName, account: call.accountId, region: call.region).fetchOne(db) else {
                    throw RDSError.subnetGroupNotFound(input.dbSubnetGroupName)
                }
                let subnets = try SubnetGroupRules.subnets(input.subnetIds, call, db)
                guard subnets[0].vpcId == group.vpcId else {
                    throw RDSError.invalidParameterValue("The new Subnets are not in the same Vpc as the existing subnet group")
                }
                // An instance keeps its zone: the group must still have a subnet there.
                let zones = Set(subnets.map(\.availabilityZone))
                let stranded = try RDSInstance.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                                      && Column("subnetGroupName") == group.name)
                    .fetchAll(db).map(\.availabilityZone).filter { !zones.contains($0) }
                if !stranded.isEmpty {
                    let removed = try SubnetGroupRules.subnets(of: group, db).filter { stranded.contains($0.availabilityZone) }.map(\.subnetId)
                    throw RDSError.invalidParameterValue("Some of the subnets to be deleted are currently in use: \(removed.joined(separator: ", "))")
                }
                group.subnetIds = subnets.map(\.subnetId)
                if let description = input.dbSubnetGroupDescription { group.description = description }
                try group.update(db)
                return DBSubnetGroupResult(dbSubnetGroup: DBSubnetGroupShape(group, subnets: subnets))
            }
        }

        operations.on("DeleteDBSubnetGroup") { (input: DeleteDBSubnetGroupRequest, call) -> Empty in
            if input.dbSubnetGroupName.lowercased() == SubnetGroupRules.defaultName {
                throw RDSError.invalidSubnetGroupState("Cannot delete the default DB subnet group.")
            }
            try await store.write { db in
                guard let group = try RDSSubnetGroup.named(input.dbSubnetGroupName, account: call.accountId, region: call.region).fetchOne(db) else {
                    throw RDSError.subnetGroupNotFound(input.dbSubnetGroupName)
                }
                if let user = try RDSInstance.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                                     && Column("subnetGroupName") == group.name).order(Column("identifier")).fetchOne(db) {
                    throw RDSError.invalidSubnetGroupState(
                        "Cannot delete the subnet group '\(group.name)' because at least one database instance: \(user.identifier) is still using it.")
                }
                try group.delete(db)
                try ResourceTags.remove(keys: try ResourceTags.of(group.arn, db).map(\.key), from: group.arn, db)
            }
            return Empty()
        }
    }
}

/// RDS's rules for DB subnet groups.
enum SubnetGroupRules {
    static let defaultName = "default"
    static let groupsPerRegion = 50
    static let subnetsPerGroup = 20

    /// At most 255 letters, digits, spaces, periods, underscores or hyphens, starting with a
    /// letter, not `default`; stored lower-case.
    static func name(_ value: String) throws -> String {
        let valid = (1...255).contains(value.count) && value.first?.isLetter == true
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " ._-".contains($0)) }
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter DBSubnetGroupName is not a valid identifier. It must begin with a letter and contain at most 255 letters, digits, spaces, periods, underscores or hyphens.")
        }
        guard value.lowercased() != defaultName else {
            throw RDSError.invalidParameterValue("DBSubnetGroupName default is reserved and cannot be used.")
        }
        return value.lowercased()
    }

    /// The subnets of a new or changed group: known to this account and region, all in one
    /// VPC, covering at least two zones.
    static func subnets(_ ids: [String], _ call: CallContext, _ db: Database) throws -> [EC2Subnet] {
        var unique: [String] = []
        for id in ids where !unique.contains(id) { unique.append(id) }
        guard !unique.isEmpty else { throw RDSError.invalidSubnet("Subnet IDs are required.") }
        guard unique.count <= subnetsPerGroup else {
            throw AWSError(code: "DBSubnetQuotaExceededFault", status: 400,
                           message: "A DB subnet group can have at most \(subnetsPerGroup) subnets; \(unique.count) were given.")
        }
        var subnets: [EC2Subnet] = []
        var unknown: [String] = []
        for id in unique {
            if let subnet = try EC2Subnet.withId(id).fetchOne(db), subnet.accountId == call.accountId, subnet.region == call.region {
                subnets.append(subnet)
            } else {
                unknown.append(id)
            }
        }
        // What RDS answers for subnets it cannot find (InvalidParameterValue, not InvalidSubnet).
        guard unknown.isEmpty else {
            throw RDSError.invalidParameterValue("Some input subnets in :[\(unknown.joined(separator: ", "))] are invalid.")
        }
        let vpcs = Array(Set(subnets.map(\.vpcId))).sorted()
        guard vpcs.count == 1 else {
            throw RDSError.invalidSubnet("Subnets \(unique.joined(separator: ", ")) are not all in a common VPC: they are in \(vpcs.joined(separator: ", ")).")
        }
        let zones = Array(Set(subnets.map(\.availabilityZone))).sorted()
        guard zones.count >= 2 else {
            throw AWSError(code: "DBSubnetGroupDoesNotCoverEnoughAZs", status: 400,
                           message: "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: \(zones.joined(separator: ", ")). Add subnets to cover at least 2 AZs.")
        }
        return subnets
    }

    /// The `default` group RDS shows: the default VPC and its default subnets (none once the
    /// default VPC is gone).
    static func defaultGroup(_ call: CallContext, _ db: Database) throws -> RDSSubnetGroup? {
        guard let vpc = try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).first(where: \.isDefault) else { return nil }
        let subnets = try EC2Subnet.inVPC(vpc.vpcId).fetchAll(db).filter(\.defaultForAz).sorted { $0.availabilityZone < $1.availabilityZone }
        return RDSSubnetGroup(accountId: call.accountId, region: call.region, name: defaultName, description: defaultName,
                              vpcId: vpc.vpcId, subnetIds: subnets.map(\.subnetId), createdAt: vpc.createdAt)
    }

    static func subnets(of group: RDSSubnetGroup, _ db: Database) throws -> [EC2Subnet] {
        try group.subnetIds.compactMap { try EC2Subnet.withId($0).fetchOne(db) }
    }
}

extension RDSError {
    static func subnetGroupAlreadyExists(_ name: String) -> AWSError {
        AWSError(code: "DBSubnetGroupAlreadyExists", status: 400, message: "The DB subnet group '\(name)' already exists.")
    }

    static func invalidSubnet(_ message: String) -> AWSError { AWSError(code: "InvalidSubnet", status: 400, message: message) }

    static func invalidSubnetGroupState(_ message: String) -> AWSError {
        AWSError(code: "InvalidDBSubnetGroupStateFault", status: 400, message: message)
    }
}
