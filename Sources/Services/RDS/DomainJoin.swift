import AWSWire
import Foundation
import GRDB
import Policy
import State

/// Joining a DB instance to a directory, checked as RDS checks it: the directory and the role
/// at request time (refused synchronously, nothing created), the network later (the membership
/// ends in `enable-kerberos-failed` with a reason, and a repeated modify recovers).
enum DomainJoin {
    /// The service principals a Kerberos role must trust, and what it must be allowed to do in ds.
    static let trustedServices = ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]
    static let requiredActions = ["ds:DescribeDirectories", "ds:AuthorizeApplication", "ds:UnauthorizeApplication",
                                  "ds:GetAuthorizedApplicationDetails"]

    /// The directory a `Domain` names, for the caller's account and region (a share must have
    /// been accepted), or `DomainNotFoundFault`.
    static func directory(_ domain: String, _ call: CallContext, _ db: Database) throws -> DSDirectory {
        guard let directory = try DSDirectory.withId(domain).fetchOne(db), directory.accountId == call.accountId,
              directory.region == call.region, directory.stage != "Deleting",
              directory.ownerDirectoryId == nil || directory.shareStatus == "Shared"
        else { throw RDSError.domainNotFound(domain) }
        guard directory.type == "MicrosoftAD" || directory.type == "SharedMicrosoftAD" else {
            throw RDSError.invalidParameterCombination(
                "Kerberos authentication needs an AWS Managed Microsoft AD directory; \(domain) is \(directory.type).")
        }
        return directory
    }

    /// The directory that runs the realm for a `Domain`: the directory, or a share's owner.
    static func hosting(_ domain: String?, _ db: Database) throws -> DSDirectory? {
        guard let domain, let directory = try DSDirectory.withId(domain).fetchOne(db) else { return nil }
        return try directory.ownerDirectoryId.flatMap { try DSDirectory.withId($0).fetchOne(db) } ?? directory
    }

    /// Refuses a role that does not exist, that the RDS service principals may not assume, or
    /// that lacks the Directory Service permissions of `AmazonRDSDirectoryServiceAccess`.
    static func checkRole(_ roleName: String?, _ call: CallContext, _ db: Database) throws {
        guard let roleName, let role = try IAMRole.named(roleName, in: call.accountId).fetchOne(db) else {
            throw RDSError.invalidDomainRole
        }
        let trust = try PolicyDocument.roleTrustPolicy(json: role.assumeRolePolicyDocument)
        for service in trustedServices {
            let assume = AuthorizationRequest(action: "sts:AssumeRole", resource: role.arn, principal: .service(service))
            guard PolicyEvaluator.authorizeAssumeRole(trustPolicy: trust, identity: .implicitDeny, assume) == .allow else {
                throw RDSError.invalidDomainRole
            }
        }
        let policies = try IdentityPolicies.of(role: role, db)
        for action in requiredActions {
            let request = AuthorizationRequest(
                action: action, resource: "arn:aws:ds:\(call.region):\(call.accountId):directory/*",
                principal: .aws(arn: role.arn, account: role.accountId),
                context: ["aws:PrincipalArn": .string(role.arn), "aws:CurrentTime": .date(call.now)])
            guard policies.decision(request) == .allow else { throw RDSError.invalidDomainRole }
        }
    }

    /// Why the instance cannot reach its directory's domain controllers, or nil when it can.
    static func networkProblem(_ instance: RDSInstance, directory: DSDirectory, _ db: Database) throws -> String? {
        try networkProblem(vpcId: instance.vpcId, securityGroups: instance.vpcSecurityGroupIds, of: "DB instance", directory: directory, db)
    }

    /// Why a DB instance or cluster in `vpcId` with `securityGroups` cannot reach the
    /// directory's domain controllers, or nil when it can: the two VPCs must be one or joined by
    /// an active peering connection, and one of the security groups must let traffic out to the
    /// directory.
    static func networkProblem(vpcId: String, securityGroups: [String], of resource: String, directory: DSDirectory,
                               _ db: Database) throws -> String? {
        if vpcId != directory.vpcId {
            let peered = try EC2VPCPeering
                .filter(Column("status") == "active")
                .filter((Column("requesterVpcId") == vpcId && Column("accepterVpcId") == directory.vpcId)
                    || (Column("requesterVpcId") == directory.vpcId && Column("accepterVpcId") == vpcId))
                .fetchCount(db) > 0
            if !peered {
                return "The \(resource)'s VPC \(vpcId) cannot reach the directory's VPC \(directory.vpcId): they are different VPCs and no active VPC peering connection joins them."
            }
        }
        let directoryNetworks = try directory.subnetIds.compactMap { try EC2Subnet.withId($0).fetchOne(db) }
            .compactMap { IPv4CIDR($0.cidrBlock) }
        for groupId in securityGroups {
            let rules = try EC2SecurityGroupRule.of(groupId).fetchAll(db).filter(\.isEgress)
            if rules.contains(where: { admitsKerberos($0, directoryGroup: directory.securityGroupId, networks: directoryNetworks) }) {
                return nil
            }
        }
        return "The \(resource)'s security groups (\(securityGroups.joined(separator: ", "))) allow no traffic to the directory's domain controllers (security group \(directory.securityGroupId ?? "none"))."
    }

    /// An egress rule that lets Kerberos (port 88) out to the directory's group or addresses.
    private static func admitsKerberos(_ rule: EC2SecurityGroupRule, directoryGroup: String?, networks: [IPv4CIDR]) -> Bool {
        let protocolMatches = rule.ipProtocol == "-1" || ((rule.ipProtocol == "tcp" || rule.ipProtocol == "6" || rule.ipProtocol == "udp"
            || rule.ipProtocol == "17") && (rule.fromPort ?? 0) <= 88 && (rule.toPort ?? 65535) >= 88)
        guard protocolMatches else { return false }
        if let referenced = rule.referencedGroupId { return referenced == directoryGroup }
        guard let cidr = rule.cidrIpv4.flatMap(IPv4CIDR.init) else { return false }
        return networks.contains { cidr.contains($0) }
    }
}
