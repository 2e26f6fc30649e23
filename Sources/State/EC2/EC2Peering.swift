import Foundation
import GRDB

/// A VPC peering connection between two VPCs, possibly of two accounts.
public struct EC2VPCPeering: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_vpc_peering"

    public var peeringId: String
    public var requesterAccountId: String
    public var requesterRegion: String
    public var requesterVpcId: String
    public var accepterAccountId: String
    public var accepterRegion: String
    public var accepterVpcId: String
    /// `initiating-request`, `pending-acceptance`, `active`, `rejected`, `deleted`, `failed`, `expired`.
    public var status: String
    public var statusMessage: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(peeringId: String, requesterAccountId: String, requesterRegion: String, requesterVpcId: String,
                accepterAccountId: String, accepterRegion: String, accepterVpcId: String, status: String,
                statusMessage: String, createdAt: Date, expiresAt: Date) {
        self.peeringId = peeringId
        self.requesterAccountId = requesterAccountId
        self.requesterRegion = requesterRegion
        self.requesterVpcId = requesterVpcId
        self.accepterAccountId = accepterAccountId
        self.accepterRegion = accepterRegion
        self.accepterVpcId = accepterVpcId
        self.status = status
        self.statusMessage = statusMessage
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public static func withId(_ id: String) -> SQLRequest<EC2VPCPeering> {
        cachedRequest(where: ["peeringId"], [id])
    }
}

/// A network interface AWS services create in customer subnets (a directory's domain
/// controllers, later a DB instance), as `DescribeNetworkInterfaces` shows them.
public struct EC2NetworkInterface: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ec2_network_interface"

    public var networkInterfaceId: String
    public var accountId: String
    public var region: String
    public var subnetId: String
    public var vpcId: String
    public var availabilityZone: String
    public var privateIpAddress: String
    public var description: String
    /// The service that owns it (`directoryservice`, `rds`), and its resource (a directory id).
    public var requesterId: String
    public var ownerResourceId: String
    public var securityGroupIds: [String]
    public var createdAt: Date

    public init(networkInterfaceId: String, accountId: String, region: String, subnetId: String, vpcId: String,
                availabilityZone: String, privateIpAddress: String, description: String, requesterId: String,
                ownerResourceId: String, securityGroupIds: [String], createdAt: Date) {
        self.networkInterfaceId = networkInterfaceId
        self.accountId = accountId
        self.region = region
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.availabilityZone = availabilityZone
        self.privateIpAddress = privateIpAddress
        self.description = description
        self.requesterId = requesterId
        self.ownerResourceId = ownerResourceId
        self.securityGroupIds = securityGroupIds
        self.createdAt = createdAt
    }

    public static func ownedBy(_ resourceId: String) -> SQLRequest<EC2NetworkInterface> {
        cachedRequest(where: ["ownerResourceId"], [resourceId], orderedBy: "createdAt")
    }
}
