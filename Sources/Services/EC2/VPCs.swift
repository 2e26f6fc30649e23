import AWSWire
import Foundation
import GRDB
import State

struct CreateVpcRequest: EC2Request {
    var dryRun: Bool?
    var cidrBlock: String?
    var instanceTenancy: String?
    var amazonProvidedIpv6CidrBlock: Bool?
    var ipv6CidrBlock: String?
    var ipv6Pool: String?
    var ipv4IpamPoolId: String?
    var ipv6IpamPoolId: String?
    var tagSpecifications: [TagSpecification]?
}

struct VpcResponse: Encodable, Sendable {
    var vpc: VpcShape
}

struct DescribeVpcsRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var vpcIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeVpcsResponse: Encodable, Sendable {
    var vpcs: [VpcShape]
    var nextToken: String?
}

struct VpcIdRequest: EC2Request {
    var dryRun: Bool?
    var vpcId: String
}

struct DescribeVpcAttributeRequest: EC2Request {
    var dryRun: Bool?
    var vpcId: String
    var attribute: String
}

struct AttributeBooleanValue: Codable, Sendable {
    var value: Bool?
}

struct DescribeVpcAttributeResponse: Encodable, Sendable {
    var vpcId: String
    var enableDnsHostnames: AttributeBooleanValue?
    var enableDnsSupport: AttributeBooleanValue?
    var enableNetworkAddressUsageMetrics: AttributeBooleanValue?
}

struct ModifyVpcAttributeRequest: EC2Request {
    var vpcId: String
    var enableDnsHostnames: AttributeBooleanValue?
    var enableDnsSupport: AttributeBooleanValue?
    var enableNetworkAddressUsageMetrics: AttributeBooleanValue?
}

struct CidrBlockState: Encodable, Sendable {
    var state: String
}

struct VpcCidrBlockAssociationShape: Encodable, Sendable {
    var associationId: String
    var cidrBlock: String
    var cidrBlockState: CidrBlockState
}

struct BlockPublicAccessStates: Encodable, Sendable {
    var internetGatewayBlockMode = "off"
}

struct VpcShape: Encodable, Sendable {
    var ownerId: String
    var instanceTenancy: String
    var cidrBlockAssociationSet: [VpcCidrBlockAssociationShape]
    var isDefault: Bool
    var tags: [Tag]?
    var blockPublicAccessStates = BlockPublicAccessStates()
    var vpcId: String
    var state: String
    var cidrBlock: String
    var dhcpOptionsId: String

    init(_ vpc: EC2VPC, tags: [Tag]?, state: String = "available") {
        ownerId = vpc.accountId
        instanceTenancy = vpc.instanceTenancy
        cidrBlockAssociationSet = [VpcCidrBlockAssociationShape(
            associationId: VPCs.cidrAssociationId(vpc), cidrBlock: vpc.cidrBlock, cidrBlockState: CidrBlockState(state: "associated"))]
        isDefault = vpc.isDefault
        self.tags = tags
        vpcId = vpc.vpcId
        self.state = state
        cidrBlock = vpc.cidrBlock
        dhcpOptionsId = vpc.dhcpOptionsId
    }
}

/// VPC rules shared by the operations.
enum VPCs {
    static let limitPerRegion = 5

    /// Ids that follow from the VPC's own (AWS gives them their own random suffixes; nobody
    /// can tell, and deriving them needs no rows).
    static func cidrAssociationId(_ vpc: EC2VPC) -> String { "vpc-cidr-assoc-" + vpc.vpcId.dropFirst(4) }

    /// Address ranges AWS refuses for a VPC whatever its size.
    static let reserved = ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3"].compactMap(IPv4CIDR.init)

    static func cidr(_ text: String?) throws -> IPv4CIDR {
        guard let text else { throw EC2Error.missingParameter("Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.") }
        guard let cidr = IPv4CIDR(text) else { throw EC2Error.invalidCIDR(text, parameter: "cidrBlock") }
        guard (16...28).contains(cidr.prefixLength), !reserved.contains(where: { $0.overlaps(cidr) }) else {
            throw EC2Error.vpcRange(text)
        }
        return cidr
    }

    static func filters(_ tags: [String: [Tag]]) -> FilterTable<EC2VPC> {
        let cidr: (EC2VPC) -> [String] = { [$0.cidrBlock] }
        return FilterTable([
            "vpc-id": { [$0.vpcId] },
            "cidr": cidr, "cidr-block": cidr, "cidrBlock": cidr, "cidr-block-association.cidr-block": cidr,
            "cidr-block-association.association-id": { [cidrAssociationId($0)] },
            "cidr-block-association.state": { _ in ["associated"] },
            "dhcp-options-id": { [$0.dhcpOptionsId] },
            "is-default": { [$0.isDefault.filterText] }, "isDefault": { [$0.isDefault.filterText] },
            "owner-id": { [$0.accountId] },
            "state": { _ in ["available"] },
            "instance-tenancy": { [$0.instanceTenancy] },
        ], tags: { tags[$0.vpcId] ?? [] })
    }

    /// Whether anything still lives in the VPC, as DeleteVpc checks.
    static func hasDependencies(_ vpc: EC2VPC, now: Date, _ db: Database) throws -> Bool {
        if try EC2Subnet.inVPC(vpc.vpcId).fetchCount(db) > 0 { return true }
        if try EC2SecurityGroup.inVPC(vpc.vpcId).fetchAll(db).contains(where: { $0.groupId != vpc.defaultSecurityGroupId }) { return true }
        if try EC2NetworkInterface.filter(Column("vpcId") == vpc.vpcId).fetchCount(db) > 0 { return true }
        if try Peering.live(involving: vpc.vpcId, db).contains(where: { Peering.status($0, now: now).code != "expired" }) { return true }
        return try EC2SecurityGroupRule.filter(Column("referencedGroupId") == vpc.defaultSecurityGroupId
                                               && Column("groupId") != vpc.defaultSecurityGroupId).fetchCount(db) > 0
    }
}

extension EC2Service {
    mutating func registerVPCs() {
        let store = self.store
        on("CreateVpc") { (input: CreateVpcRequest, call) -> VpcResponse in
            if input.ipv4IpamPoolId != nil || input.ipv6IpamPoolId != nil {
                throw EC2Error.invalidParameterValue("Kerbside does not emulate IPAM pools; give CidrBlock instead.")
            }
            if input.amazonProvidedIpv6CidrBlock == true || input.ipv6CidrBlock != nil || input.ipv6Pool != nil {
                throw EC2Error.invalidParameterValue("Kerbside emulates IPv4 VPCs only; IPv6 CIDR blocks are not supported.")
            }
            let cidr = try VPCs.cidr(input.cidrBlock)
            let tenancy = input.instanceTenancy ?? "default"
            if tenancy == "host" { throw EC2Error.invalidParameterValue("The tenancy value host is not supported.") }
            let tags = try EC2Tags.fromSpecifications(input.tagSpecifications, for: "vpc")
            let vpc = try await store.write { db in
                if try EC2VPC.listed(in: call.accountId, call.region).fetchCount(db) >= VPCs.limitPerRegion {
                    throw EC2Error.vpcLimitExceeded
                }
                var vpc = try EC2Network.createVPC(call.accountId, call.region, cidr: cidr, isDefault: false, now: call.now, db)
                if tenancy != vpc.instanceTenancy {
                    vpc.instanceTenancy = tenancy
                    try vpc.update(db)
                }
                try EC2Tags.add(tags, to: vpc.vpcId, db)
                return vpc
            }
            return VpcResponse(vpc: VpcShape(vpc, tags: tags.isEmpty ? nil : tags, state: "pending"))
        }

        on("DescribeVpcs") { (input: DescribeVpcsRequest, call) -> DescribeVpcsResponse in
            let (vpcs, tags) = try await store.read { db in
                let vpcs = try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db)
                return (vpcs, try Dictionary(uniqueKeysWithValues: vpcs.map { ($0.vpcId, try ResourceTags.of($0.vpcId, db)) }))
            }
            let matches = try VPCs.filters(tags).predicate(input.filters)
            let selected = try EC2IDs.select(input.vpcIds, from: vpcs, id: \.vpcId, notFound: EC2Error.vpcNotFound).filter(matches)
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) {
                EC2Paging.creationKey($0.createdAt, $0.vpcId)
            }
            return DescribeVpcsResponse(vpcs: page.items.map { VpcShape($0, tags: tags[$0.vpcId].flatMap { $0.isEmpty ? nil : $0 }) },
                                        nextToken: page.nextToken)
        }

        on("DeleteVpc") { (input: VpcIdRequest, call) -> Empty in
            try await store.write { db in
                let vpc = try EC2Network.vpc(input.vpcId, call.accountId, call.region, db)
                if try VPCs.hasDependencies(vpc, now: call.now, db) {
                    throw EC2Error.dependencyViolation("The vpc '\(vpc.vpcId)' has dependencies and cannot be deleted.")
                }
                try EC2SecurityGroup.filter(Column("vpcId") == vpc.vpcId).deleteAll(db)
                try EC2Tags.removeAll(from: vpc.mainRouteTableId, db)
                try EC2Tags.removeAll(from: vpc.defaultNetworkAclId, db)
                try vpc.delete(db)
            }
            return Empty()
        }

        on("DescribeVpcAttribute") { (input: DescribeVpcAttributeRequest, call) -> DescribeVpcAttributeResponse in
            let vpc = try await store.read { db in try EC2Network.vpc(input.vpcId, call.accountId, call.region, db) }
            var response = DescribeVpcAttributeResponse(vpcId: vpc.vpcId)
            switch input.attribute {
            case "enableDnsSupport": response.enableDnsSupport = AttributeBooleanValue(value: vpc.enableDnsSupport)
            case "enableDnsHostnames": response.enableDnsHostnames = AttributeBooleanValue(value: vpc.enableDnsHostnames)
            default: response.enableNetworkAddressUsageMetrics = AttributeBooleanValue(value: vpc.enableNetworkAddressUsageMetrics)
            }
            return response
        }

        on("ModifyVpcAttribute") { (input: ModifyVpcAttributeRequest, call) -> Empty in
            let given = [input.enableDnsHostnames, input.enableDnsSupport, input.enableNetworkAddressUsageMetrics].compactMap { $0 }
            if given.count > 1 {
                throw EC2Error.invalidParameterCombination("Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport, enableNetworkAddressUsageMetrics. Only one attribute can be modified at a time.")
            }
            guard let attribute = given.first else {
                throw EC2Error.missingParameter("The request must contain one of the parameters EnableDnsHostnames, EnableDnsSupport or EnableNetworkAddressUsageMetrics")
            }
            guard let value = attribute.value else { throw EC2Error.missingParameter("The request must contain the parameter Value") }
            try await store.write { db in
                var vpc = try EC2Network.vpc(input.vpcId, call.accountId, call.region, db)
                if input.enableDnsHostnames != nil { vpc.enableDnsHostnames = value }
                if input.enableDnsSupport != nil { vpc.enableDnsSupport = value }
                if input.enableNetworkAddressUsageMetrics != nil { vpc.enableNetworkAddressUsageMetrics = value }
                try vpc.update(db)
            }
            return Empty()
        }
    }
}
