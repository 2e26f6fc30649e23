import AWSWire
import Foundation
import GRDB
import Policy
import State

struct PolicyArnShape: Codable, Sendable {
    var arn: String?
}

struct AssumeRoleRequest: Decodable, Sendable {
    var roleArn: String
    var roleSessionName: String
    var policyArns: [PolicyArnShape]?
    var policy: String?
    var durationSeconds: Int?
    var tags: [Tag]?
    var transitiveTagKeys: [String]?
    var externalId: String?
    var sourceIdentity: String?
}

struct AssumedRoleUserShape: Encodable, Sendable {
    var assumedRoleId: String
    var arn: String
}

struct AssumeRoleResponse: Encodable, Sendable {
    var credentials: CredentialsShape
    var assumedRoleUser: AssumedRoleUserShape
    var packedPolicySize: Int?
    var sourceIdentity: String?
}

extension STSService {
    static let defaultRoleSessionDuration = 3600
    static let roleChainingLimit = 3600
    /// Session policies and tags are packed into the token; AWS refuses them beyond this size.
    static let packedPolicyLimit = 2048

    mutating func registerAssumeRole() {
        let store = self.store
        operations.on("AssumeRole") { (input: AssumeRoleRequest, call) -> AssumeRoleResponse in
            let caller = call.caller
            let deniedMessage = "User: \(caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(input.roleArn)"
            switch caller.kind {
            case .root: throw STSError.accessDenied("Roles may not be assumed by root accounts.")
            case .anonymous: throw STSError.accessDenied(deniedMessage)
            case .user, .assumedRole: break
            }
            guard let target = RoleArn(input.roleArn) else {
                throw STSError.validation("\(input.roleArn) is invalid")
            }
            if let policy = input.policy {
                do {
                    _ = try PolicyDocument(json: policy, kind: .identity)
                } catch let error as MalformedPolicy {
                    throw STSError.malformedPolicyDocument(error.message)
                }
            }
            let packedSize = Self.packedSize(policy: input.policy, policyArns: input.policyArns ?? [], tags: input.tags ?? [])
            if packedSize > 100 {
                throw STSError.packedPolicyTooLarge("Packed policy consumes \(packedSize)% of allotted space, please use smaller policy.")
            }

            return try await store.write { db in
                // A role that does not exist is refused like one that may not be assumed, so the
                // answer does not reveal which roles exist.
                guard let role = try IAMRole.named(target.name, in: target.accountId).fetchOne(db), role.arn == input.roleArn
                        || "arn:aws:iam::\(role.accountId):role/\(role.roleName)" == input.roleArn
                else { throw STSError.accessDenied(deniedMessage) }

                let duration = input.durationSeconds ?? Self.defaultRoleSessionDuration
                if case .assumedRole = caller.kind, duration > Self.roleChainingLimit {
                    throw STSError.validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
                }
                if duration > role.maxSessionDuration {
                    throw STSError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
                }

                let request = AuthorizationRequest(
                    action: "sts:AssumeRole", resource: role.arn,
                    principal: .aws(arn: caller.principalArn, account: caller.accountId),
                    context: try Self.requestContext(caller, input: input, call: call, db))
                let policies = try IdentityPolicies.of(caller, db)
                let trust = try PolicyDocument.roleTrustPolicy(json: role.assumeRolePolicyDocument)
                guard PolicyEvaluator.authorizeAssumeRole(trustPolicy: trust, identity: policies.decision(request), request) == .allow else {
                    throw STSError.accessDenied(deniedMessage)
                }
                // Session tags and a source identity are permissions of their own, decided the same way.
                let extraActions = [("sts:TagSession", !(input.tags ?? []).isEmpty), ("sts:SetSourceIdentity", input.sourceIdentity != nil)]
                for (action, requested) in extraActions where requested {
                    var extra = request
                    extra.action = action
                    guard PolicyEvaluator.authorizeAssumeRole(trustPolicy: trust, identity: policies.decision(extra), extra) == .allow else {
                        throw STSError.accessDenied("User: \(caller.arn) is not authorized to perform: \(action) on resource: \(input.roleArn)")
                    }
                }

                let session = STSSession(
                    accessKeyId: Identifiers.accessKeyID(temporary: true), accountId: role.accountId,
                    secretAccessKey: Identifiers.secretAccessKey(), sessionToken: Identifiers.sessionToken(), kind: .assumedRole,
                    principalArn: "arn:aws:sts::\(role.accountId):assumed-role/\(role.roleName)/\(input.roleSessionName)",
                    userId: "\(role.roleId):\(input.roleSessionName)", roleId: role.roleId, sourceUserId: nil,
                    sessionName: input.roleSessionName, sessionPolicy: input.policy,
                    sessionPolicyArns: (input.policyArns ?? []).compactMap(\.arn), tags: input.tags ?? [],
                    sourceIdentity: input.sourceIdentity, isRoleChained: { if case .assumedRole = caller.kind { return true }; return false }(),
                    createdAt: call.now, expiration: call.now.addingTimeInterval(TimeInterval(duration)))
                try session.insert(db)
                var used = role
                used.lastUsedDate = call.now
                used.lastUsedRegion = call.region
                try used.update(db)
                return AssumeRoleResponse(
                    credentials: CredentialsShape(session),
                    assumedRoleUser: AssumedRoleUserShape(assumedRoleId: session.userId, arn: session.principalArn),
                    packedPolicySize: input.policy != nil || input.tags?.isEmpty == false ? packedSize : nil,
                    sourceIdentity: input.sourceIdentity)
            }
        }
    }

    /// The condition keys AWS puts in the request context of an AssumeRole call.
    static func requestContext(_ caller: Caller, input: AssumeRoleRequest, call: CallContext, _ db: Database) throws -> [String: ContextValue] {
        var context = try RequestContext.of(caller, now: call.now, region: call.region, secureTransport: false, db)
        context["sts:RoleSessionName"] = .string(input.roleSessionName)
        if let externalId = input.externalId { context["sts:ExternalId"] = .string(externalId) }
        if let sourceIdentity = input.sourceIdentity { context["sts:SourceIdentity"] = .string(sourceIdentity) }
        let sessionTags = input.tags ?? []
        for tag in sessionTags { context["aws:RequestTag/\(tag.key)"] = .string(tag.value) }
        if !sessionTags.isEmpty { context["aws:TagKeys"] = .strings(sessionTags.map(\.key)) }
        return context
    }

    /// AWS reports packed session data as a percentage of the space allowed.
    static func packedSize(policy: String?, policyArns: [PolicyArnShape], tags: [Tag]) -> Int {
        let policyLength = policy.map(PolicyText.significantLength) ?? 0
        let arnLength = policyArns.compactMap(\.arn).reduce(0) { $0 + $1.count }
        let tagLength = tags.reduce(0) { $0 + $1.key.count + $1.value.count }
        return Int((Double(policyLength + arnLength + tagLength) / Double(packedPolicyLimit) * 100).rounded(.up))
    }
}

/// `arn:aws:iam::ACCOUNT:role/PATH/NAME`, split into what AssumeRole needs.
struct RoleArn {
    let accountId: String
    let name: String

    init?(_ arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4].count == 12, parts[4].allSatisfy(\.isNumber),
              parts[5].hasPrefix("role/"), let name = parts[5].split(separator: "/").last, !name.isEmpty
        else { return nil }
        accountId = String(parts[4])
        self.name = String(name)
    }
}
