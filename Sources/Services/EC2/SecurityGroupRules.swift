import AWSWire
import Foundation
import GRDB
import State

/// AuthorizeSecurityGroupIngress/Egress (egress has no GroupName; the model leaves it out).
struct AuthorizeRequest: EC2Request {
    var dryRun: Bool?
    var groupId: String?
    var groupName: String?
    var ipPermissions: [IpPermission]?
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var cidrIp: String?
    var sourceSecurityGroupName: String?
    var sourceSecurityGroupOwnerId: String?
    var tagSpecifications: [TagSpecification]?
}

struct AuthorizeResponse: Encodable, Sendable {
    var `return` = true
    var securityGroupRules: [SecurityGroupRuleShape]
}

struct RevokeRequest: EC2Request {
    var dryRun: Bool?
    var groupId: String?
    var groupName: String?
    var securityGroupRuleIds: [String]?
    var ipPermissions: [IpPermission]?
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var cidrIp: String?
    var sourceSecurityGroupName: String?
    var sourceSecurityGroupOwnerId: String?
}

struct RevokedSecurityGroupRuleShape: Encodable, Sendable {
    var securityGroupRuleId: String
    var groupId: String
    var isEgress: Bool
    var ipProtocol: String
    var fromPort: Int
    var toPort: Int
    var cidrIpv4: String?
    var cidrIpv6: String?
    var prefixListId: String?
    var referencedGroupId: String?
    var description: String?

    init(_ rule: EC2SecurityGroupRule) {
        securityGroupRuleId = rule.ruleId
        groupId = rule.groupId
        isEgress = rule.isEgress
        ipProtocol = rule.ipProtocol
        fromPort = rule.fromPort ?? -1
        toPort = rule.toPort ?? -1
        cidrIpv4 = rule.cidrIpv4
        cidrIpv6 = rule.cidrIpv6
        prefixListId = rule.prefixListId
        referencedGroupId = rule.referencedGroupId
        description = rule.description
    }
}

struct RevokeResponse: Encodable, Sendable {
    var `return` = true
    var unknownIpPermissions: [IpPermission]?
    var revokedSecurityGroupRules: [RevokedSecurityGroupRuleShape]
}

struct DescribeSecurityGroupRulesRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var securityGroupRuleIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeSecurityGroupRulesResponse: Encodable, Sendable {
    var securityGroupRules: [SecurityGroupRuleShape]
    var nextToken: String?
}

struct ReferencedSecurityGroup: Encodable, Sendable {
    var groupId: String
    var userId: String?
}

struct SecurityGroupRuleShape: Encodable, Sendable {
    var securityGroupRuleId: String
    var groupId: String
    var groupOwnerId: String
    var isEgress: Bool
    var ipProtocol: String
    var fromPort: Int
    var toPort: Int
    var cidrIpv4: String?
    var cidrIpv6: String?
    var prefixListId: String?
    var referencedGroupInfo: ReferencedSecurityGroup?
    var description: String?
    var tags: [Tag]?
    var securityGroupRuleArn: String

    init(_ rule: EC2SecurityGroupRule, group: EC2SecurityGroup, tags: [Tag]?) {
        securityGroupRuleId = rule.ruleId
        groupId = rule.groupId
        groupOwnerId = group.accountId
        isEgress = rule.isEgress
        ipProtocol = rule.ipProtocol
        fromPort = rule.fromPort ?? -1
        toPort = rule.toPort ?? -1
        cidrIpv4 = rule.cidrIpv4
        cidrIpv6 = rule.cidrIpv6
        prefixListId = rule.prefixListId
        referencedGroupInfo = rule.referencedGroupId.map { ReferencedSecurityGroup(groupId: $0, userId: rule.referencedGroupOwnerId) }
        description = rule.description
        self.tags = tags
        securityGroupRuleArn = "arn:aws:ec2:\(group.region):\(group.accountId):security-group-rule/\(rule.ruleId)"
    }
}

/// One rule a request asks for: a protocol, its ports and exactly one peer.
struct RuleSpec: Sendable {
    var ipProtocol: String
    var fromPort: Int?
    var toPort: Int?
    var cidrIpv4: String?
    var cidrIpv6: String?
    var groupId: String?
    var groupOwner: String?
    var prefixListId: String?
    var description: String?

    /// The same rule, whatever its description.
    func matches(_ rule: EC2SecurityGroupRule) -> Bool {
        rule.ipProtocol == ipProtocol && rule.fromPort == fromPort && rule.toPort == toPort && rule.cidrIpv4 == cidrIpv4
            && rule.cidrIpv6 == cidrIpv6 && rule.referencedGroupId == groupId && rule.prefixListId == prefixListId
    }

    /// How EC2 names a rule in InvalidPermission.Duplicate.
    var wording: String {
        let peer = cidrIpv4 ?? cidrIpv6 ?? groupId ?? prefixListId ?? ""
        switch ipProtocol {
        case "-1": return "peer: \(peer), ALL, ALLOW"
        case "tcp", "udp": return "peer: \(peer), \(ipProtocol.uppercased()), from port: \(fromPort ?? -1), to port: \(toPort ?? -1), ALLOW"
        case "icmp", "icmpv6": return "peer: \(peer), \(ipProtocol.uppercased()), type: \(fromPort ?? -1), code: \(toPort ?? -1), ALLOW"
        default: return "peer: \(peer), protocol: \(ipProtocol), ALLOW"
        }
    }

    /// The rule as an `IpPermission`, for UnknownIpPermissions.
    var permission: IpPermission {
        IpPermission(
            ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort,
            userIdGroupPairs: groupId.map { [UserIdGroupPair(userId: groupOwner, groupId: $0)] } ?? [],
            ipRanges: cidrIpv4.map { [IpRange(cidrIp: $0)] } ?? [], ipv6Ranges: cidrIpv6.map { [Ipv6Range(cidrIpv6: $0)] } ?? [],
            prefixListIds: prefixListId.map { [PrefixListId(prefixListId: $0)] } ?? [])
    }
}

/// The legacy top-level parameters (`CidrIp`, `IpProtocol`, …) of Authorize and Revoke.
struct LegacyRule: Sendable {
    var ipProtocol: String?
    var fromPort: Int?
    var toPort: Int?
    var cidrIp: String?
    var sourceSecurityGroupName: String?
    var sourceSecurityGroupOwnerId: String?

    var isGiven: Bool {
        ipProtocol != nil || fromPort != nil || toPort != nil || cidrIp != nil || sourceSecurityGroupName != nil || sourceSecurityGroupOwnerId != nil
    }
}

enum SecurityGroupRules {
    static let maximumPerDirection = 60

    /// A rule of a group the caller owns, by id.
    static func rule(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2SecurityGroupRule {
        guard let rule = try EC2SecurityGroupRule.fetchOne(db, key: id),
              let group = try EC2SecurityGroup.withId(rule.groupId).fetchOne(db), group.accountId == accountId, group.region == region
        else { throw EC2Error.ruleNotFound(id) }
        return rule
    }

    /// `tcp`, `udp`, `icmp`, `icmpv6`, `-1`, or another protocol number; numbers of the named
    /// protocols and `all` are stored by name, as EC2 shows them.
    static func normalizedProtocol(_ text: String?) throws -> String {
        guard let text, !text.isEmpty else { throw EC2Error.missingParameter("The request must contain the parameter ipProtocol") }
        let lower = text.lowercased()
        switch lower {
        case "tcp", "udp", "icmp", "icmpv6", "-1": return lower
        case "all": return "-1"
        case "6": return "tcp"
        case "17": return "udp"
        case "1": return "icmp"
        case "58": return "icmpv6"
        default:
            guard let number = Int(lower), (0...255).contains(number) else {
                throw EC2Error.invalidParameterValue("Invalid value '\(text)' for IP protocol. Unknown protocol.")
            }
            return String(number)
        }
    }

    /// Ports as stored: a range for TCP and UDP, type and code for ICMP, none otherwise (all ports).
    static func ports(_ ipProtocol: String, _ from: Int?, _ to: Int?) throws -> (Int?, Int?) {
        switch ipProtocol {
        case "tcp", "udp":
            guard let from, let to else {
                throw EC2Error.invalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
            }
            guard (0...65535).contains(from), (0...65535).contains(to), from <= to else {
                throw EC2Error.invalidParameterValue("Invalid TCP/UDP port range: from port \(from), to port \(to)")
            }
            return (from, to)
        case "icmp", "icmpv6":
            let type = from ?? -1, code = to ?? -1
            guard (-1...255).contains(type), (-1...255).contains(code), type != -1 || code == -1 else {
                throw EC2Error.invalidParameterValue("Invalid value for ICMP type \(type) and code \(code)")
            }
            return (type, code)
        default:
            return (nil, nil)
        }
    }

    static func checkIPv6(_ text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[0].contains(":"), let length = Int(parts[1]), (0...128).contains(length),
              parts[0].allSatisfy({ $0.isHexDigit || $0 == ":" })
        else { throw EC2Error.invalidParameterValue("CIDR block \(text) is malformed") }
    }

    /// The rules a request names, each with one peer, resolved against the caller's groups.
    static func specs(_ permissions: [IpPermission]?, legacy: LegacyRule, for group: EC2SecurityGroup, _ db: Database) throws -> [RuleSpec] {
        var permissions = permissions ?? []
        if legacy.isGiven {
            guard permissions.isEmpty else {
                throw EC2Error.invalidParameterCombination("The parameter 'ipPermissions' may not be used in combination with 'ipProtocol', 'fromPort', 'toPort', 'cidrIp' or 'sourceSecurityGroupName'")
            }
            if let name = legacy.sourceSecurityGroupName {
                if legacy.cidrIp != nil || legacy.ipProtocol != nil || legacy.fromPort != nil || legacy.toPort != nil {
                    throw EC2Error.invalidParameterCombination("The parameter 'sourceSecurityGroupName' may not be used in combination with 'cidrIp', 'ipProtocol', 'fromPort' or 'toPort'")
                }
                let pair = UserIdGroupPair(userId: legacy.sourceSecurityGroupOwnerId, groupName: name)
                // A source group by name grants all of TCP, UDP and ICMP.
                permissions = [IpPermission(ipProtocol: "tcp", fromPort: 0, toPort: 65535, userIdGroupPairs: [pair]),
                               IpPermission(ipProtocol: "udp", fromPort: 0, toPort: 65535, userIdGroupPairs: [pair]),
                               IpPermission(ipProtocol: "icmp", fromPort: -1, toPort: -1, userIdGroupPairs: [pair])]
            } else {
                guard let cidr = legacy.cidrIp else { throw EC2Error.missingParameter("The request must contain the parameter cidrIp") }
                permissions = [IpPermission(ipProtocol: legacy.ipProtocol, fromPort: legacy.fromPort, toPort: legacy.toPort,
                                            ipRanges: [IpRange(cidrIp: cidr)])]
            }
        }
        guard !permissions.isEmpty else { throw EC2Error.missingParameter("The request must contain the parameter ipPermissions") }
        var specs: [RuleSpec] = []
        for permission in permissions {
            let ipProtocol = try normalizedProtocol(permission.ipProtocol)
            let (from, to) = try ports(ipProtocol, permission.fromPort, permission.toPort)
            let base = RuleSpec(ipProtocol: ipProtocol, fromPort: from, toPort: to)
            var found: [RuleSpec] = []
            for range in permission.ipRanges ?? [] {
                guard let text = range.cidrIp else { throw EC2Error.missingParameter("The request must contain the parameter cidrIp") }
                guard let cidr = IPv4CIDR(text) else { throw EC2Error.invalidParameterValue("CIDR block \(text) is malformed") }
                var spec = base
                spec.cidrIpv4 = cidr.description
                spec.description = range.description
                found.append(spec)
            }
            for range in permission.ipv6Ranges ?? [] {
                guard let text = range.cidrIpv6 else { throw EC2Error.missingParameter("The request must contain the parameter cidrIpv6") }
                try checkIPv6(text)
                var spec = base
                spec.cidrIpv6 = text.lowercased()
                spec.description = range.description
                found.append(spec)
            }
            for list in permission.prefixListIds ?? [] {
                guard let id = list.prefixListId else { throw EC2Error.missingParameter("The request must contain the parameter prefixListId") }
                guard id.hasPrefix("pl-") else { throw EC2Error.invalidParameterValue("The prefix list ID '\(id)' is malformed") }
                var spec = base
                spec.prefixListId = id
                spec.description = list.description
                found.append(spec)
            }
            for pair in permission.userIdGroupPairs ?? [] {
                let peer = try referencedGroup(pair, for: group, db)
                var spec = base
                spec.groupId = peer.groupId
                spec.groupOwner = peer.accountId
                spec.description = pair.description
                found.append(spec)
            }
            guard !found.isEmpty else {
                throw EC2Error.missingParameter("The request must contain the parameter ipRanges, ipv6Ranges, prefixListIds or groups")
            }
            specs += found
        }
        return specs
    }

    /// The group a `UserIdGroupPair` names: by id (in another account when `UserId` says so),
    /// or by name in the same VPC.
    static func referencedGroup(_ pair: UserIdGroupPair, for group: EC2SecurityGroup, _ db: Database) throws -> EC2SecurityGroup {
        if let id = pair.groupId {
            guard id.hasPrefix("sg-") else { throw EC2Error.malformedGroupId(id) }
            let owner = pair.userId ?? group.accountId
            guard let found = try EC2SecurityGroup.withId(id).fetchOne(db), found.accountId == owner, found.region == group.region else {
                throw EC2Error.groupNotFound(id)
            }
            return found
        }
        guard let name = pair.groupName else { throw EC2Error.missingParameter("The request must contain the parameter groupId or groupName") }
        guard let found = try EC2SecurityGroup.inVPC(group.vpcId).fetchAll(db).first(where: { $0.groupName == name }) else {
            throw EC2Error.groupNameNotFound(name, vpcId: nil)
        }
        return found
    }

    static func insert(_ spec: RuleSpec, into groupId: String, egress: Bool, _ db: Database) throws -> EC2SecurityGroupRule {
        let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM \(EC2SecurityGroupRule.databaseTableName) WHERE groupId = ?",
                                         arguments: [groupId]) ?? -1) + 1
        let rule = EC2SecurityGroupRule(
            ruleId: EC2Network.newId("sgr"), groupId: groupId, isEgress: egress, ipProtocol: spec.ipProtocol,
            fromPort: spec.fromPort, toPort: spec.toPort, cidrIpv4: spec.cidrIpv4, cidrIpv6: spec.cidrIpv6,
            referencedGroupId: spec.groupId, referencedGroupOwnerId: spec.groupOwner, prefixListId: spec.prefixListId,
            description: spec.description, position: position)
        try rule.insert(db)
        return rule
    }

    static func authorize(_ input: AuthorizeRequest, egress: Bool, _ call: CallContext, _ db: Database) throws -> AuthorizeResponse {
        let group = egress
            ? try EC2Network.securityGroup(input.groupId ?? "", call.accountId, call.region, db)
            : try SecurityGroups.named(id: input.groupId, name: input.groupName, call.accountId, call.region, db)
        let legacy = LegacyRule(ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
                                sourceSecurityGroupName: input.sourceSecurityGroupName,
                                sourceSecurityGroupOwnerId: input.sourceSecurityGroupOwnerId)
        let specs = try specs(input.ipPermissions, legacy: legacy, for: group, db)
        let tags = try EC2Tags.fromSpecifications(input.tagSpecifications, for: "security-group-rule")
        var existing = try EC2SecurityGroupRule.of(group.groupId).fetchAll(db).filter { $0.isEgress == egress }
        var added: [SecurityGroupRuleShape] = []
        for spec in specs {
            if existing.contains(where: spec.matches) { throw EC2Error.permissionDuplicate(spec.wording) }
            let rule = try insert(spec, into: group.groupId, egress: egress, db)
            try EC2Tags.add(tags, to: rule.ruleId, db)
            existing.append(rule)
            added.append(SecurityGroupRuleShape(rule, group: group, tags: tags.isEmpty ? nil : tags))
        }
        if existing.count > maximumPerDirection { throw EC2Error.rulesLimitExceeded }
        return AuthorizeResponse(securityGroupRules: added)
    }

    static func revoke(_ input: RevokeRequest, egress: Bool, _ call: CallContext, _ db: Database) throws -> RevokeResponse {
        let group = egress
            ? try EC2Network.securityGroup(input.groupId ?? "", call.accountId, call.region, db)
            : try SecurityGroups.named(id: input.groupId, name: input.groupName, call.accountId, call.region, db)
        let existing = try EC2SecurityGroupRule.of(group.groupId).fetchAll(db).filter { $0.isEgress == egress }
        var doomed: [EC2SecurityGroupRule] = []
        var unknown: [IpPermission] = []
        let legacy = LegacyRule(ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
                                sourceSecurityGroupName: input.sourceSecurityGroupName,
                                sourceSecurityGroupOwnerId: input.sourceSecurityGroupOwnerId)
        if let ids = input.securityGroupRuleIds, !ids.isEmpty {
            if !(input.ipPermissions ?? []).isEmpty || legacy.isGiven {
                throw EC2Error.invalidParameterCombination("The parameter 'securityGroupRuleIds' may not be used in combination with 'ipPermissions'")
            }
            for id in ids {
                guard let rule = existing.first(where: { $0.ruleId == id }) else { throw EC2Error.ruleNotFound(id) }
                doomed.append(rule)
            }
        } else {
            let isDefaultVPC = try EC2VPC.withId(group.vpcId).fetchOne(db)?.isDefault ?? false
            for spec in try specs(input.ipPermissions, legacy: legacy, for: group, db) {
                if let rule = existing.first(where: spec.matches) {
                    if !doomed.contains(where: { $0.ruleId == rule.ruleId }) { doomed.append(rule) }
                } else if isDefaultVPC {
                    // In a default VPC EC2 revokes what matches and reports the rest.
                    unknown.append(spec.permission)
                } else {
                    throw EC2Error.permissionNotFound
                }
            }
        }
        for rule in doomed { try rule.delete(db) }
        return RevokeResponse(unknownIpPermissions: unknown.isEmpty ? nil : unknown,
                              revokedSecurityGroupRules: doomed.map(RevokedSecurityGroupRuleShape.init))
    }
}

extension EC2Service {
    mutating func registerSecurityGroupRules() {
        let store = self.store
        for (name, egress) in [("AuthorizeSecurityGroupIngress", false), ("AuthorizeSecurityGroupEgress", true)] {
            on(name) { (input: AuthorizeRequest, call) -> AuthorizeResponse in
                try await store.write { db in try SecurityGroupRules.authorize(input, egress: egress, call, db) }
            }
        }
        for (name, egress) in [("RevokeSecurityGroupIngress", false), ("RevokeSecurityGroupEgress", true)] {
            on(name) { (input: RevokeRequest, call) -> RevokeResponse in
                try await store.write { db in try SecurityGroupRules.revoke(input, egress: egress, call, db) }
            }
        }

        on("DescribeSecurityGroupRules") { (input: DescribeSecurityGroupRulesRequest, call) -> DescribeSecurityGroupRulesResponse in
            let table = FilterTable<SecurityGroupRuleShape>([
                "group-id": { [$0.groupId] }, "security-group-rule-id": { [$0.securityGroupRuleId] },
            ], tags: { $0.tags ?? [] })
            let matches = try table.predicate(input.filters)
            let rows = try await store.read { db in
                var rows: [(key: String, rule: SecurityGroupRuleShape)] = []
                for group in try EC2SecurityGroup.listed(in: call.accountId, call.region).fetchAll(db) {
                    for rule in try EC2SecurityGroupRule.of(group.groupId).fetchAll(db) {
                        let position = String(rule.position)
                        let key = EC2Paging.creationKey(group.createdAt, group.groupId + "|"
                                                        + String(repeating: "0", count: max(0, 8 - position.count)) + position)
                        rows.append((key, SecurityGroupRuleShape(rule, group: group, tags: try EC2Tags.tagSet(rule.ruleId, db))))
                    }
                }
                return rows
            }
            let selected = try EC2IDs.select(input.securityGroupRuleIds, from: rows, id: \.rule.securityGroupRuleId,
                                             notFound: EC2Error.ruleNotFound).filter { matches($0.rule) }
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) { $0.key }
            return DescribeSecurityGroupRulesResponse(securityGroupRules: page.items.map(\.rule), nextToken: page.nextToken)
        }
    }
}
