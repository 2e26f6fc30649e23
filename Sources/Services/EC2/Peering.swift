import AWSWire
import Foundation
import GRDB
import State

struct CreateVpcPeeringConnectionRequest: EC2Request {
    var dryRun: Bool?
    var vpcId: String
    var peerVpcId: String?
    var peerOwnerId: String?
    var peerRegion: String?
    var tagSpecifications: [TagSpecification]?
}

struct PeeringResponse: Encodable, Sendable {
    var vpcPeeringConnection: PeeringShape
}

struct PeeringIdRequest: EC2Request {
    var dryRun: Bool?
    var vpcPeeringConnectionId: String
}

struct DescribeVpcPeeringConnectionsRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var vpcPeeringConnectionIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeVpcPeeringConnectionsResponse: Encodable, Sendable {
    var vpcPeeringConnections: [PeeringShape]
    var nextToken: String?
}

struct CidrBlockShape: Encodable, Sendable {
    var cidrBlock: String
}

struct PeeringOptions: Encodable, Sendable {
    var allowDnsResolutionFromRemoteVpc = false
    var allowEgressFromLocalClassicLinkToRemoteVpc = false
    var allowEgressFromLocalVpcToRemoteClassicLink = false
}

struct PeeringVpcInfo: Encodable, Sendable {
    var cidrBlock: String?
    var cidrBlockSet: [CidrBlockShape]?
    var ownerId: String
    var peeringOptions: PeeringOptions?
    var vpcId: String
    var region: String
}

struct PeeringStatus: Encodable, Sendable {
    var code: String
    var message: String
}

struct PeeringShape: Encodable, Sendable {
    var accepterVpcInfo: PeeringVpcInfo
    var expirationTime: Date?
    var requesterVpcInfo: PeeringVpcInfo
    var status: PeeringStatus
    var tags: [Tag]?
    var vpcPeeringConnectionId: String
}

/// A peering with what Describe and the filters need: its status now and both VPCs' CIDRs.
struct DescribedPeering: Sendable {
    let peering: EC2VPCPeering
    let status: String
    let message: String
    let requesterCidr: String?
    let accepterCidr: String?
    let tags: [Tag]

    var shape: PeeringShape {
        let active = status == "active"
        func info(_ account: String, _ region: String, _ vpcId: String, _ cidr: String?) -> PeeringVpcInfo {
            PeeringVpcInfo(cidrBlock: cidr, cidrBlockSet: cidr.map { [CidrBlockShape(cidrBlock: $0)] }, ownerId: account,
                           peeringOptions: active ? PeeringOptions() : nil, vpcId: vpcId, region: region)
        }
        return PeeringShape(
            accepterVpcInfo: info(peering.accepterAccountId, peering.accepterRegion, peering.accepterVpcId, active ? accepterCidr : nil),
            expirationTime: status == "pending-acceptance" ? peering.expiresAt : nil,
            requesterVpcInfo: info(peering.requesterAccountId, peering.requesterRegion, peering.requesterVpcId, requesterCidr),
            status: PeeringStatus(code: status, message: message), tags: tags.isEmpty ? nil : tags,
            vpcPeeringConnectionId: peering.peeringId)
    }
}

/// Peering rules: a request waits 7 days for its accepter; both accounts see it; a failed one
/// (no such VPC, or overlapping CIDRs) says so in AWS's words.
enum Peering {
    static let failureMessage = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
    static let liveStatuses: Set<String> = ["initiating-request", "pending-acceptance", "provisioning", "active"]
    static let pendingDuration: TimeInterval = 7 * 24 * 3600

    static func listed(_ accountId: String, _ region: String, _ db: Database) throws -> [EC2VPCPeering] {
        try EC2VPCPeering.filter((Column("requesterAccountId") == accountId && Column("requesterRegion") == region)
                                 || (Column("accepterAccountId") == accountId && Column("accepterRegion") == region))
            .order(Column("createdAt"), Column("peeringId")).fetchAll(db)
    }

    /// A peering the caller is a party to, or InvalidVpcPeeringConnectionID.NotFound.
    static func visible(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2VPCPeering {
        guard let peering = try EC2VPCPeering.withId(id).fetchOne(db),
              (peering.requesterAccountId == accountId && peering.requesterRegion == region)
                || (peering.accepterAccountId == accountId && peering.accepterRegion == region)
        else { throw EC2Error.peeringNotFound(id) }
        return peering
    }

    /// Peerings that still hold their VPCs (a VPC with one cannot be deleted).
    static func live(involving vpcId: String, _ db: Database) throws -> [EC2VPCPeering] {
        try EC2VPCPeering.filter(Column("requesterVpcId") == vpcId || Column("accepterVpcId") == vpcId).fetchAll(db)
            .filter { liveStatuses.contains($0.status) }
    }

    /// The status as of `now`: a request nobody accepted for 7 days has expired.
    static func status(_ peering: EC2VPCPeering, now: Date) -> (code: String, message: String) {
        if peering.status == "pending-acceptance" && now > peering.expiresAt { return ("expired", "Expired") }
        return (peering.status, peering.statusMessage)
    }

    static func described(_ peering: EC2VPCPeering, now: Date, _ db: Database) throws -> DescribedPeering {
        let (code, message) = status(peering, now: now)
        return DescribedPeering(
            peering: peering, status: code, message: message,
            requesterCidr: try EC2VPC.withId(peering.requesterVpcId).fetchOne(db)?.cidrBlock,
            accepterCidr: try EC2VPC.withId(peering.accepterVpcId).fetchOne(db)?.cidrBlock,
            tags: try ResourceTags.of(peering.peeringId, db))
    }

    static func filters() -> FilterTable<DescribedPeering> {
        FilterTable([
            "vpc-peering-connection-id": { [$0.peering.peeringId] },
            "status-code": { [$0.status] }, "status-message": { [$0.message] },
            "expiration-time": { [Timestamps.iso8601($0.peering.expiresAt)] },
            "requester-vpc-info.cidr-block": { $0.requesterCidr.map { [$0] } ?? [] },
            "requester-vpc-info.owner-id": { [$0.peering.requesterAccountId] },
            "requester-vpc-info.vpc-id": { [$0.peering.requesterVpcId] },
            "accepter-vpc-info.cidr-block": { $0.accepterCidr.map { [$0] } ?? [] },
            "accepter-vpc-info.owner-id": { [$0.peering.accepterAccountId] },
            "accepter-vpc-info.vpc-id": { [$0.peering.accepterVpcId] },
        ], tags: { $0.tags })
    }

    /// Moves a peering the caller may act on from one status to another.
    static func transition(_ id: String, to target: String, message: String, allowedFrom: Set<String>, _ call: CallContext,
                           _ db: Database, permitted: (EC2VPCPeering) throws -> Void) throws -> EC2VPCPeering {
        var peering = try visible(id, call.accountId, call.region, db)
        let current = status(peering, now: call.now).code
        guard allowedFrom.contains(current) else { throw EC2Error.invalidStateTransition(id, from: current, to: target) }
        try permitted(peering)
        peering.status = target
        peering.statusMessage = message
        try peering.update(db)
        return peering
    }

    static func isAccepter(_ peering: EC2VPCPeering, _ call: CallContext) -> Bool {
        peering.accepterAccountId == call.accountId && peering.accepterRegion == call.region
    }
}

extension EC2Service {
    mutating func registerPeering() {
        let store = self.store
        on("CreateVpcPeeringConnection") { (input: CreateVpcPeeringConnectionRequest, call) -> PeeringResponse in
            guard let peerVpcId = input.peerVpcId else { throw EC2Error.missingParameter("The request must contain the parameter peerVpcId") }
            let peerOwner = input.peerOwnerId ?? call.accountId
            let peerRegion = input.peerRegion ?? call.region
            if peerRegion != call.region && !Regions.all.contains(where: { $0.name == peerRegion }) {
                throw EC2Error.invalidParameterValue("Invalid region: \(peerRegion)")
            }
            let tags = try EC2Tags.fromSpecifications(input.tagSpecifications, for: "vpc-peering-connection")
            let described = try await store.write { db in
                let vpc = try EC2Network.vpc(input.vpcId, call.accountId, call.region, db)
                if let existing = try Peering.live(involving: vpc.vpcId, db).first(where: {
                    Set([$0.requesterVpcId, $0.accepterVpcId]) == Set([vpc.vpcId, peerVpcId])
                        && Peering.status($0, now: call.now).code != "expired"
                }) {
                    throw EC2Error.peeringAlreadyExists(existing.peeringId)
                }
                let peer = try EC2VPC.withId(peerVpcId).fetchOne(db).flatMap { $0.accountId == peerOwner && $0.region == peerRegion ? $0 : nil }
                let overlaps = peer.map { IPv4CIDR($0.cidrBlock)?.overlaps(IPv4CIDR(vpc.cidrBlock)!) ?? true } ?? true
                let peering = EC2VPCPeering(
                    peeringId: EC2Network.newId("pcx"), requesterAccountId: call.accountId, requesterRegion: call.region,
                    requesterVpcId: vpc.vpcId, accepterAccountId: peerOwner, accepterRegion: peerRegion, accepterVpcId: peerVpcId,
                    status: overlaps ? "failed" : "pending-acceptance",
                    statusMessage: overlaps ? Peering.failureMessage : "Pending Acceptance by \(peerOwner)",
                    createdAt: call.now, expiresAt: call.now.addingTimeInterval(Peering.pendingDuration))
                try peering.insert(db)
                try EC2Tags.add(tags, to: peering.peeringId, db)
                return try Peering.described(peering, now: call.now, db)
            }
            // The answer shows the request as it starts; Describe shows where it went.
            var shape = described.shape
            shape.status = PeeringStatus(code: "initiating-request", message: "Initiating Request to \(peerOwner)")
            shape.expirationTime = described.peering.expiresAt
            return PeeringResponse(vpcPeeringConnection: shape)
        }

        on("AcceptVpcPeeringConnection") { (input: PeeringIdRequest, call) -> PeeringResponse in
            let described = try await store.write { db in
                let peering = try Peering.transition(input.vpcPeeringConnectionId, to: "active", message: "Active",
                                                     allowedFrom: ["pending-acceptance"], call, db) { peering in
                    guard Peering.isAccepter(peering, call) else {
                        throw EC2Error.operationNotPermitted("User \(call.accountId) cannot accept peering \(peering.peeringId)")
                    }
                }
                return try Peering.described(peering, now: call.now, db)
            }
            return PeeringResponse(vpcPeeringConnection: described.shape)
        }

        on("RejectVpcPeeringConnection") { (input: PeeringIdRequest, call) -> ReturnResponse in
            try await store.write { db in
                _ = try Peering.transition(input.vpcPeeringConnectionId, to: "rejected", message: "Rejected by \(call.accountId)",
                                           allowedFrom: ["pending-acceptance"], call, db) { peering in
                    guard Peering.isAccepter(peering, call) else {
                        throw EC2Error.operationNotPermitted("User \(call.accountId) cannot reject peering \(peering.peeringId)")
                    }
                }
            }
            return ReturnResponse()
        }

        on("DeleteVpcPeeringConnection") { (input: PeeringIdRequest, call) -> ReturnResponse in
            try await store.write { db in
                _ = try Peering.transition(input.vpcPeeringConnectionId, to: "deleted", message: "Deleted by \(call.accountId)",
                                           allowedFrom: ["pending-acceptance", "active"], call, db) { peering in
                    // A pending request is withdrawn by its requester; the accepter rejects it instead.
                    if peering.status == "pending-acceptance" && Peering.isAccepter(peering, call)
                        && !(peering.requesterAccountId == call.accountId && peering.requesterRegion == call.region) {
                        throw EC2Error.operationNotPermitted("User \(call.accountId) cannot delete peering \(peering.peeringId) pending its acceptance; reject it instead")
                    }
                }
            }
            return ReturnResponse()
        }

        on("DescribeVpcPeeringConnections") { (input: DescribeVpcPeeringConnectionsRequest, call) -> DescribeVpcPeeringConnectionsResponse in
            let matches = try Peering.filters().predicate(input.filters)
            let described = try await store.read { db in
                try Peering.listed(call.accountId, call.region, db).map { try Peering.described($0, now: call.now, db) }
            }
            let selected = try EC2IDs.select(input.vpcPeeringConnectionIds, from: described, id: \.peering.peeringId,
                                             notFound: EC2Error.peeringNotFound).filter(matches)
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) {
                EC2Paging.creationKey($0.peering.createdAt, $0.peering.peeringId)
            }
            return DescribeVpcPeeringConnectionsResponse(vpcPeeringConnections: page.items.map(\.shape), nextToken: page.nextToken)
        }
    }
}
