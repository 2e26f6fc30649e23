import AWSWire
import Foundation
import GRDB
import State

/// The account's network as other services see it: the default VPC (made on first use, as AWS
/// has one in every region), lookups that answer with EC2's errors, and the security groups and
/// network interfaces services create in customer VPCs.
public enum EC2Network {
    public static let defaultVPCCIDR = "172.31.0.0/16"

    public static func newId(_ prefix: String) -> String { prefix + "-" + Identifiers.random(17, from: Identifiers.hex) }

    /// The default VPC of the account in the region, created with one default subnet per zone,
    /// its default security group, main route table and default network ACL.
    @discardableResult
    public static func defaultVPC(_ accountId: String, _ region: String, now: Date, _ db: Database) throws -> EC2VPC {
        if let existing = try EC2VPC.listed(in: accountId, region).fetchAll(db).first(where: \.isDefault) {
            return existing
        }
        try EC2AccountRegion(accountId: accountId, region: region, defaultVpcCreatedAt: now).save(db)
        let vpc = try createVPC(accountId, region, cidr: IPv4CIDR(defaultVPCCIDR)!, isDefault: true, now: now, db)
        for (index, zone) in AvailabilityZones.zones(in: region).enumerated() {
            let cidr = IPv4CIDR(network: IPv4CIDR(defaultVPCCIDR)!.network + UInt32(index) << 12, prefixLength: 20)
            try EC2Subnet(subnetId: newId("subnet"), accountId: accountId, region: region, vpcId: vpc.vpcId,
                          cidrBlock: cidr.description, availabilityZone: zone.name, availabilityZoneId: zone.id,
                          defaultForAz: true, mapPublicIpOnLaunch: true, createdAt: now).insert(db)
        }
        return vpc
    }

    /// Makes the default VPC the first time an account uses a region, and never again: once
    /// the customer deletes it the region has none, as on AWS. True when this call made it.
    @discardableResult
    public static func ensureDefaultVPC(_ accountId: String, _ region: String, now: Date, _ db: Database) throws -> Bool {
        if try EC2AccountRegion.of(accountId, region).fetchOne(db) != nil { return false }
        let before = try EC2VPC.listed(in: accountId, region).fetchAll(db).contains(where: \.isDefault)
        try defaultVPC(accountId, region, now: now, db)
        if before { try EC2AccountRegion(accountId: accountId, region: region, defaultVpcCreatedAt: now).save(db) }
        return !before
    }

    /// Whether the account's region still needs its default VPC made (a read, so most calls
    /// never open a write transaction for it).
    public static func needsDefaultVPC(_ accountId: String, _ region: String, _ db: Database) throws -> Bool {
        try EC2AccountRegion.of(accountId, region).fetchOne(db) == nil
    }

    /// A VPC with its default security group (which admits its own members and lets everything out).
    public static func createVPC(_ accountId: String, _ region: String, cidr: IPv4CIDR, isDefault: Bool, now: Date, _ db: Database) throws -> EC2VPC {
        let vpc = EC2VPC(
            vpcId: newId("vpc"), accountId: accountId, region: region, cidrBlock: cidr.description, isDefault: isDefault,
            instanceTenancy: "default", dhcpOptionsId: "dopt-" + Identifiers.random(17, from: Identifiers.hex),
            enableDnsSupport: true, enableDnsHostnames: isDefault, mainRouteTableId: newId("rtb"),
            defaultNetworkAclId: newId("acl"), defaultSecurityGroupId: newId("sg"), createdAt: now)
        try vpc.insert(db)
        let group = EC2SecurityGroup(groupId: vpc.defaultSecurityGroupId, accountId: accountId, region: region, vpcId: vpc.vpcId,
                                     groupName: "default", description: "default VPC security group", createdAt: now)
        try group.insert(db)
        try addRule(to: group.groupId, egress: false, protocol: "-1", ports: nil, referencedGroup: (group.groupId, accountId), db)
        try addRule(to: group.groupId, egress: true, protocol: "-1", ports: nil, cidr: "0.0.0.0/0", db)
        return vpc
    }

    /// Appends one rule to a security group.
    @discardableResult
    public static func addRule(
        to groupId: String, egress: Bool, protocol ipProtocol: String, ports: ClosedRange<Int>?, cidr: String? = nil,
        cidrIpv6: String? = nil, referencedGroup: (id: String, owner: String)? = nil, prefixListId: String? = nil,
        description: String? = nil, _ db: Database
    ) throws -> EC2SecurityGroupRule {
        // After the highest position so far: revoked rules leave gaps, and new rules still come last.
        let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM \(EC2SecurityGroupRule.databaseTableName) WHERE groupId = ?",
                                         arguments: [groupId]) ?? -1) + 1
        let rule = EC2SecurityGroupRule(
            ruleId: newId("sgr"), groupId: groupId, isEgress: egress, ipProtocol: ipProtocol,
            fromPort: ports?.lowerBound, toPort: ports?.upperBound, cidrIpv4: cidr, cidrIpv6: cidrIpv6,
            referencedGroupId: referencedGroup?.id, referencedGroupOwnerId: referencedGroup?.owner,
            prefixListId: prefixListId, description: description, position: position)
        try rule.insert(db)
        return rule
    }

    public static func vpc(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2VPC {
        guard let vpc = try EC2VPC.withId(id).fetchOne(db), vpc.accountId == accountId, vpc.region == region else {
            throw EC2Error.vpcNotFound(id)
        }
        return vpc
    }

    public static func subnet(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2Subnet {
        guard let subnet = try EC2Subnet.withId(id).fetchOne(db), subnet.accountId == accountId, subnet.region == region else {
            throw EC2Error.subnetNotFound(id)
        }
        return subnet
    }

    public static func securityGroup(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2SecurityGroup {
        guard let group = try EC2SecurityGroup.withId(id).fetchOne(db), group.accountId == accountId, group.region == region else {
            throw EC2Error.groupNotFound(id)
        }
        return group
    }

    /// A network interface an AWS service places in a customer subnet (one per domain
    /// controller of a directory). Its private address is the next free one in the subnet.
    @discardableResult
    public static func createServiceInterface(
        in subnet: EC2Subnet, description: String, requesterId: String, ownerResourceId: String,
        securityGroupIds: [String], now: Date, _ db: Database
    ) throws -> EC2NetworkInterface {
        let cidr = IPv4CIDR(subnet.cidrBlock)!
        let used = Set(try EC2NetworkInterface.filter(Column("subnetId") == subnet.subnetId).fetchAll(db).map(\.privateIpAddress))
        // AWS reserves the first four addresses and the last one of every subnet.
        guard let address = (4..<UInt32(max(5, cidr.size) - 1)).lazy.map({ cidr.address(at: $0) }).first(where: { !used.contains($0) }) else {
            throw AWSError(code: "InsufficientFreeAddressesInSubnet", status: 400, message: "Subnet \(subnet.subnetId) has no free addresses")
        }
        let interface = EC2NetworkInterface(
            networkInterfaceId: newId("eni"), accountId: subnet.accountId, region: subnet.region, subnetId: subnet.subnetId,
            vpcId: subnet.vpcId, availabilityZone: subnet.availabilityZone, privateIpAddress: address, description: description,
            requesterId: requesterId, ownerResourceId: ownerResourceId, securityGroupIds: securityGroupIds, createdAt: now)
        try interface.insert(db)
        return interface
    }

    /// Removes what a service created for a resource: its interfaces, then the security groups
    /// it made (those named after the resource).
    public static func releaseServiceResources(of resourceId: String, _ db: Database) throws {
        try EC2NetworkInterface.filter(Column("ownerResourceId") == resourceId).deleteAll(db)
    }
}
