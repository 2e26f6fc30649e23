import Foundation
import GRDB

/// A VPC. Its main route table, default network ACL and default security group are fixed at
/// creation (the route table and ACL have no rows of their own: their content follows the VPC).
public struct EC2VPC: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_vpc"

    public var vpcId: String
    public var accountId: String
    public var region: String
    public var cidrBlock: String
    public var isDefault: Bool
    public var instanceTenancy: String
    public var dhcpOptionsId: String
    public var enableDnsSupport: Bool
    public var enableDnsHostnames: Bool
    public var mainRouteTableId: String
    public var defaultNetworkAclId: String
    public var defaultSecurityGroupId: String
    public var createdAt: Date
    public var enableNetworkAddressUsageMetrics: Bool

    public init(vpcId: String, accountId: String, region: String, cidrBlock: String, isDefault: Bool, instanceTenancy: String,
                dhcpOptionsId: String, enableDnsSupport: Bool, enableDnsHostnames: Bool, mainRouteTableId: String,
                defaultNetworkAclId: String, defaultSecurityGroupId: String, createdAt: Date,
                enableNetworkAddressUsageMetrics: Bool = false) {
        self.vpcId = vpcId
        self.accountId = accountId
        self.region = region
        self.cidrBlock = cidrBlock
        self.isDefault = isDefault
        self.instanceTenancy = instanceTenancy
        self.dhcpOptionsId = dhcpOptionsId
        self.enableDnsSupport = enableDnsSupport
        self.enableDnsHostnames = enableDnsHostnames
        self.mainRouteTableId = mainRouteTableId
        self.defaultNetworkAclId = defaultNetworkAclId
        self.defaultSecurityGroupId = defaultSecurityGroupId
        self.createdAt = createdAt
        self.enableNetworkAddressUsageMetrics = enableNetworkAddressUsageMetrics
    }

    public static func withId(_ id: String) -> SQLRequest<EC2VPC> {
        cachedRequest(where: ["vpcId"], [id])
    }

    public static func listed(in accountId: String, _ region: String) -> SQLRequest<EC2VPC> {
        cachedRequest(where: ["accountId", "region"], [accountId, region], orderedBy: "createdAt")
    }
}

public struct EC2Subnet: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_subnet"

    public var subnetId: String
    public var accountId: String
    public var region: String
    public var vpcId: String
    public var cidrBlock: String
    public var availabilityZone: String
    public var availabilityZoneId: String
    public var defaultForAz: Bool
    public var mapPublicIpOnLaunch: Bool
    public var createdAt: Date
    public var enableDns64: Bool
    public var enableResourceNameDnsARecordOnLaunch: Bool
    public var enableResourceNameDnsAAAARecordOnLaunch: Bool
    /// `ip-name` or `resource-name`.
    public var privateDnsHostnameTypeOnLaunch: String

    public init(subnetId: String, accountId: String, region: String, vpcId: String, cidrBlock: String, availabilityZone: String,
                availabilityZoneId: String, defaultForAz: Bool, mapPublicIpOnLaunch: Bool, createdAt: Date,
                enableDns64: Bool = false, enableResourceNameDnsARecordOnLaunch: Bool = false,
                enableResourceNameDnsAAAARecordOnLaunch: Bool = false, privateDnsHostnameTypeOnLaunch: String = "ip-name") {
        self.subnetId = subnetId
        self.accountId = accountId
        self.region = region
        self.vpcId = vpcId
        self.cidrBlock = cidrBlock
        self.availabilityZone = availabilityZone
        self.availabilityZoneId = availabilityZoneId
        self.defaultForAz = defaultForAz
        self.mapPublicIpOnLaunch = mapPublicIpOnLaunch
        self.createdAt = createdAt
        self.enableDns64 = enableDns64
        self.enableResourceNameDnsARecordOnLaunch = enableResourceNameDnsARecordOnLaunch
        self.enableResourceNameDnsAAAARecordOnLaunch = enableResourceNameDnsAAAARecordOnLaunch
        self.privateDnsHostnameTypeOnLaunch = privateDnsHostnameTypeOnLaunch
    }

    public static func withId(_ id: String) -> SQLRequest<EC2Subnet> {
        cachedRequest(where: ["subnetId"], [id])
    }

    public static func listed(in accountId: String, _ region: String) -> SQLRequest<EC2Subnet> {
        cachedRequest(where: ["accountId", "region"], [accountId, region], orderedBy: "createdAt")
    }

    public static func inVPC(_ vpcId: String) -> SQLRequest<EC2Subnet> {
        cachedRequest(where: ["vpcId"], [vpcId], orderedBy: "createdAt")
    }
}

/// Marks an account and region whose default VPC EC2 has made. AWS makes it once: after the
/// customer deletes it, the region has no default VPC.
public struct EC2AccountRegion: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_account_region"

    public var accountId: String
    public var region: String
    public var defaultVpcCreatedAt: Date

    public init(accountId: String, region: String, defaultVpcCreatedAt: Date) {
        self.accountId = accountId
        self.region = region
        self.defaultVpcCreatedAt = defaultVpcCreatedAt
    }

    public static func of(_ accountId: String, _ region: String) -> SQLRequest<EC2AccountRegion> {
        cachedRequest(where: ["accountId", "region"], [accountId, region])
    }
}
