import AWSWire
import Foundation
import GRDB
import State

struct CreateSecurityGroupRequest: EC2Request {
    var dryRun: Bool?
    var description: String
    var groupName: String
    var vpcId: String?
    var tagSpecifications: [TagSpecification]?
}

struct CreateSecurityGroupResponse: Encodable, Sendable {
    var groupId: String
    var tags: [Tag]?
    var securityGroupArn: String
}

struct DescribeSecurityGroupsRequest: EC2Request {
    var dryRun: Bool?
    var groupIds: [String]?
    var groupNames: [String]?
    var filters: [EC2Filter]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeSecurityGroupsResponse: Encodable, Sendable {
    var securityGroups: [SecurityGroupShape]
    var nextToken: String?
}

struct DeleteSecurityGroupRequest: EC2Request {
    var dryRun: Bool?
    var groupId: String?
    var groupName: String?
}

struct DeleteSecurityGroupResponse: Encodable, Sendable {
    var `return` = true
    var groupId: String
}

// IpPermission and its parts serve as input (Authorize/Revoke) and output (Describe).

struct IpRange: Codable, Sendable, Equatable {
    var description: String?
    var cidrIp: String?
}

struct Ipv6Range: Codable, Sendable, Equatable {
    var description: String?
    var cidrIpv6: String?
}

struct PrefixListId: Codable, Sendable, Equatable {
    var description: String?
    var prefixListId: String?
}

struct UserIdGroupPair: Codable, Sendable, Equatable {
    var description: String?
    var userId: String?
    var groupName: String?
    var groupId: String?
    var vpcId: String?
    var vpcPeeringConnectionId: String?
    var peeringStatus: String?
}

struct IpPermission: Codable, Sendable {
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var userIdGroupPairs: [UserIdGroupPair]?
    var ipRanges: [IpRange]?
    var ipv6Ranges: [Ipv6Range]?
    var prefixListIds: [PrefixListId]?
}

struct SecurityGroupShape: Encodable, Sendable {
    var groupId: String
    var ipPermissionsEgress: [IpPermission]
    var tags: [Tag]?
    var vpcId: String
    var securityGroupArn: String
    var ownerId: String
    var groupName: String
    var description: String
    var ipPermissions: [IpPermission]

    init(_ group: EC2SecurityGroup, rules: [EC2SecurityGroupRule], tags: [Tag]?) {
        groupId = group.groupId
        ipPermissionsEgress = SecurityGroups.permissions(rules.filter(\.isEgress))
        self.tags = tags
        vpcId = group.vpcId
        securityGroupArn = SecurityGroups.arn(group)
        ownerId = group.accountId
        groupName = group.groupName
        description = group.description
        ipPermissions = SecurityGroups.permissions(rules.filter { !$0.isEgress })
    }
}

/// A group with what Describe and the filters need of it.
struct DescribedGroup: Sendable {
    let group: EC2SecurityGroup
    let rules: [EC2SecurityGroupRule]
    let tags: [Tag]
    /// Names of the groups its rules reference, for the `*.group-name` filters.
    let referencedNames: [String: String]
}

/// Security group rules shared by the operations.
enum SecurityGroups {
    static func arn(_ group: EC2SecurityGroup) -> String {
        "arn:aws:ec2:\(group.region):\(group.accountId):security-group/\(group.groupId)"
    }

    /// Rules as `IpPermissions`: one permission per protocol and port range, in the order
    /// their first rule was added, holding each rule's target.
    static func permissions(_ rules: [EC2SecurityGroupRule]) -> [IpPermission] {
        var permissions: [IpPermission] = []
        var index: [String: Int] = [:]
        for rule in rules.sorted(by: { $0.position < $1.position }) {
            let key = "\(rule.ipProtocol)|\(rule.fromPort.map(String.init) ?? "")|\(rule.toPort.map(String.init) ?? "")"
            let position: Int
            if let existing = index[key] {
                position = existing
            } else {
                position = permissions.count
                index[key] = position
                permissions.append(IpPermission(ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort,
                                                userIdGroupPairs: [], ipRanges: [], ipv6Ranges: [], prefixListIds: []))
            }
            if let cidr = rule.cidrIpv4 { permissions[position].ipRanges?.append(IpRange(description: rule.description, cidrIp: cidr)) }
            if let cidr = rule.cidrIpv6 { permissions[position].ipv6Ranges?.append(Ipv6Range(description: rule.description, cidrIpv6: cidr)) }
            if let list = rule.prefixListId {
                permissions[position].prefixListIds?.append(PrefixListId(description: rule.description, prefixListId: list))
            }
            if let group = rule.referencedGroupId {
                permissions[position].userIdGroupPairs?.append(
                    UserIdGroupPair(description: rule.description, userId: rule.referencedGroupOwnerId, groupId: group))
            }
        }
        return permissions
    }

    /// A group named in a request by id or by name (names are looked up in the default VPC).
    static func named(id: String?, name: String?, _ accountId: String, _ region: String, _ db: Database) throws -> EC2SecurityGroup {
        if let id {
            guard id.hasPrefix("sg-") else { throw EC2Error.malformedGroupId(id) }
            return try EC2Network.securityGroup(id, accountId, region, db)
        }
        guard let name else { throw EC2Error.missingParameter("The request must contain the parameter groupName or groupId") }
        let defaultVPC = try EC2VPC.listed(in: accountId, region).fetchAll(db).first(where: \.isDefault)
        guard let defaultVPC, let group = try EC2SecurityGroup.inVPC(defaultVPC.vpcId).fetchAll(db).first(where: { $0.groupName == name }) else {
            throw EC2Error.groupNameNotFound(name, vpcId: nil)
        }
        return group
    }

    /// Group names and descriptions: up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    static func checkText(_ text: String, parameter: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:/()#,@[]+=&;{}!$*")
        if text.isEmpty || text.count > 255 {
            throw EC2Error.invalidParameterValue("Value (\(text)) for parameter \(parameter) is invalid. Length must be between 1 and 255 characters.")
        }
        if !text.allSatisfy(allowed.contains) {
            throw EC2Error.invalidParameterValue("Value (\(text)) for parameter \(parameter) is invalid. Character sets beyond ASCII are not supported.")
        }
    }

    static func filters() -> FilterTable<DescribedGroup> {
        var fields: [String: (DescribedGroup) -> [String]] = [
            "group-id": { [$0.group.groupId] }, "group-name": { [$0.group.groupName] },
            "description": { [$0.group.description] }, "vpc-id": { [$0.group.vpcId] }, "owner-id": { [$0.group.accountId] },
        ]
        for (prefix, egress) in [("ip-permission.", false), ("egress.ip-permission.", true)] {
            let rules: (DescribedGroup) -> [EC2SecurityGroupRule] = { described in described.rules.filter { $0.isEgress == egress } }
            fields[prefix + "cidr"] = { rules($0).compactMap(\.cidrIpv4) }
            fields[prefix + "ipv6-cidr"] = { rules($0).compactMap(\.cidrIpv6) }
            fields[prefix + "prefix-list-id"] = { rules($0).compactMap(\.prefixListId) }
            fields[prefix + "protocol"] = { rules($0).map(\.ipProtocol) }
            fields[prefix + "from-port"] = { rules($0).map { String($0.fromPort ?? -1) } }
            fields[prefix + "to-port"] = { rules($0).map { String($0.toPort ?? -1) } }
            fields[prefix + "group-id"] = { rules($0).compactMap(\.referencedGroupId) }
            fields[prefix + "user-id"] = { rules($0).compactMap(\.referencedGroupOwnerId) }
            fields[prefix + "group-name"] = { described in rules(described).compactMap { $0.referencedGroupId.flatMap { described.referencedNames[$0] } } }
        }
        return FilterTable(fields, tags: { $0.tags })
    }

    /// Why a group cannot go: another group's rules reference it, or a network interface uses it.
    static func checkDeletable(_ group: EC2SecurityGroup, _ db: Database) throws {
        if let vpc = try EC2VPC.withId(group.vpcId).fetchOne(db), vpc.defaultSecurityGroupId == group.groupId {
            throw AWSError(code: "CannotDelete", status: 400,
                           message: "the specified group: \"\(group.groupId)\" name: \"\(group.groupName)\" cannot be deleted by a user")
        }
        let referenced = try EC2SecurityGroupRule.filter(Column("referencedGroupId") == group.groupId && Column("groupId") != group.groupId)
            .fetchCount(db) > 0
        let used = try NetworkInterfaces.listed(group.accountId, group.region, db).contains { $0.securityGroupIds.contains(group.groupId) }
        if referenced || used {
            throw EC2Error.dependencyViolation("resource \(group.groupId) has a dependent object")
        }
    }
}

extension EC2Service {
    mutating func registerSecurityGroups() {
        let store = self.store
        on("CreateSecurityGroup") { (input: CreateSecurityGroupRequest, call) -> CreateSecurityGroupResponse in
            try SecurityGroups.checkText(input.groupName, parameter: "GroupName")
            try SecurityGroups.checkText(input.description, parameter: "GroupDescription")
            if input.groupName == "default" {
                throw EC2Error.invalidParameterValue("Cannot use reserved security group name: default")
            }
            if input.groupName.lowercased().hasPrefix("sg-") {
                throw EC2Error.invalidParameterValue("Group names may not be in the format sg-*.")
            }
            let tags = try EC2Tags.fromSpecifications(input.tagSpecifications, for: "security-group")
            let group = try await store.write { db in
                let vpc: EC2VPC
                if let vpcId = input.vpcId {
                    vpc = try EC2Network.vpc(vpcId, call.accountId, call.region, db)
                } else {
                    guard let found = try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).first(where: \.isDefault) else {
                        throw EC2Error.noDefaultVPC
                    }
                    vpc = found
                }
                if try EC2SecurityGroup.inVPC(vpc.vpcId).fetchAll(db).contains(where: { $0.groupName == input.groupName }) {
                    throw EC2Error.groupDuplicate(input.groupName, vpcId: vpc.vpcId)
                }
                let group = EC2SecurityGroup(groupId: EC2Network.newId("sg"), accountId: call.accountId, region: call.region,
                                             vpcId: vpc.vpcId, groupName: input.groupName, description: input.description, createdAt: call.now)
                try group.insert(db)
                // Every new group lets all traffic out until told otherwise.
                try EC2Network.addRule(to: group.groupId, egress: true, protocol: "-1", ports: nil, cidr: "0.0.0.0/0", db)
                try EC2Tags.add(tags, to: group.groupId, db)
                return group
            }
            return CreateSecurityGroupResponse(groupId: group.groupId, tags: tags.isEmpty ? nil : tags, securityGroupArn: SecurityGroups.arn(group))
        }

        on("DescribeSecurityGroups") { (input: DescribeSecurityGroupsRequest, call) -> DescribeSecurityGroupsResponse in
            let matches = try SecurityGroups.filters().predicate(input.filters)
            for id in input.groupIds ?? [] where !id.hasPrefix("sg-") { throw EC2Error.malformedGroupId(id) }
            let described = try await store.read { db in
                let groups = try EC2SecurityGroup.listed(in: call.accountId, call.region).fetchAll(db)
                var selected = try EC2IDs.select(input.groupIds, from: groups, id: \.groupId, notFound: EC2Error.groupNotFound)
                if let names = input.groupNames, !names.isEmpty {
                    let defaultVPC = try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).first(where: \.isDefault)
                    let inDefault = groups.filter { $0.vpcId == defaultVPC?.vpcId }
                    if let missing = names.first(where: { name in !inDefault.contains { $0.groupName == name } }) {
                        throw EC2Error.groupNameNotFound(missing, vpcId: defaultVPC?.vpcId)
                    }
                    selected = selected.filter { group in inDefault.contains { $0.groupId == group.groupId } && names.contains(group.groupName) }
                }
                let names = Dictionary(groups.map { ($0.groupId, $0.groupName) }, uniquingKeysWith: { first, _ in first })
                return try selected.map { group in
                    DescribedGroup(group: group, rules: try EC2SecurityGroupRule.of(group.groupId).fetchAll(db),
                                   tags: try ResourceTags.of(group.groupId, db), referencedNames: names)
                }
            }.filter(matches)
            let page = try EC2Paging.page(described, token: input.nextToken, maxResults: input.maxResults) {
                EC2Paging.creationKey($0.group.createdAt, ($0.group.groupName == "default" ? "0" : "1") + $0.group.groupId)
            }
            return DescribeSecurityGroupsResponse(
                securityGroups: page.items.map { SecurityGroupShape($0.group, rules: $0.rules, tags: $0.tags.isEmpty ? nil : $0.tags) },
                nextToken: page.nextToken)
        }

        on("DeleteSecurityGroup") { (input: DeleteSecurityGroupRequest, call) -> DeleteSecurityGroupResponse in
            if input.groupId != nil && input.groupName != nil {
                throw EC2Error.invalidParameterCombination("Only one of groupId or groupName may be specified")
            }
            let groupId = try await store.write { db in
                let group = try SecurityGroups.named(id: input.groupId, name: input.groupName, call.accountId, call.region, db)
                try SecurityGroups.checkDeletable(group, db)
                try group.delete(db)
                return group.groupId
            }
            return DeleteSecurityGroupResponse(groupId: groupId)
        }
    }
}
