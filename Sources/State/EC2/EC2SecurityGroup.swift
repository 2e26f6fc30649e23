import Foundation
import GRDB

public struct EC2SecurityGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_security_group"

    public var groupId: String
    public var accountId: String
    public var region: String
    public var vpcId: String
    public var groupName: String
    public var description: String
    public var createdAt: Date

    public init(groupId: String, accountId: String, region: String, vpcId: String, groupName: String, description: String, createdAt: Date) {
        self.groupId = groupId
        self.accountId = accountId
        self.region = region
        self.vpcId = vpcId
        self.groupName = groupName
        self.description = description
        self.createdAt = createdAt
    }

    public static func withId(_ id: String) -> SQLRequest<EC2SecurityGroup> {
        cachedRequest(where: ["groupId"], [id])
    }

    public static func listed(in accountId: String, _ region: String) -> SQLRequest<EC2SecurityGroup> {
        cachedRequest(where: ["accountId", "region"], [accountId, region], orderedBy: "createdAt")
    }

    public static func inVPC(_ vpcId: String) -> SQLRequest<EC2SecurityGroup> {
        cachedRequest(where: ["vpcId"], [vpcId], orderedBy: "createdAt")
    }
}

/// One ingress or egress rule of a security group, as `DescribeSecurityGroupRules` shows it.
/// `IpPermissions` in `DescribeSecurityGroups` are assembled from these.
public struct EC2SecurityGroupRule: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_security_group_rule"

    public var ruleId: String
    public var groupId: String
    public var isEgress: Bool
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all.
    public var ipProtocol: String
    public var fromPort: Int?
    public var toPort: Int?
    public var cidrIpv4: String?
    public var cidrIpv6: String?
    public var referencedGroupId: String?
    public var referencedGroupOwnerId: String?
    public var prefixListId: String?
    public var description: String?
    public var position: Int

    public init(ruleId: String, groupId: String, isEgress: Bool, ipProtocol: String, fromPort: Int?, toPort: Int?,
                cidrIpv4: String?, cidrIpv6: String?, referencedGroupId: String?, referencedGroupOwnerId: String?,
                prefixListId: String?, description: String?, position: Int) {
        self.ruleId = ruleId
        self.groupId = groupId
        self.isEgress = isEgress
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrIpv4 = cidrIpv4
        self.cidrIpv6 = cidrIpv6
        self.referencedGroupId = referencedGroupId
        self.referencedGroupOwnerId = referencedGroupOwnerId
        self.prefixListId = prefixListId
        self.description = description
        self.position = position
    }

    public static func of(_ groupId: String) -> SQLRequest<EC2SecurityGroupRule> {
        cachedRequest(where: ["groupId"], [groupId], orderedBy: "position")
    }
}
