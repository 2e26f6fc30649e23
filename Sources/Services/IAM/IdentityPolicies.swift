import AWSWire
import GRDB
import Policy
import State
import Synchronization

/// The policies that speak for an identity, gathered from IAM for the one evaluator.
struct IdentityPolicies: Sendable {
    /// Identity-based policies: inline and attached, including those of the user's groups.
    var documents: [PolicyDocument]
    /// Sets of policies that must each allow as well: a permissions boundary, a session policy.
    /// They cap what `documents` grant and never grant anything themselves.
    var limits: [[PolicyDocument]]
    /// The root user may do anything in its own account and needs no policies.
    var isRoot: Bool

    static let none = IdentityPolicies(documents: [], limits: [], isRoot: false)

    func decision(_ request: AuthorizationRequest) -> Decision {
        if isRoot { return .allow }
        let decision = PolicyEvaluator.evaluate(documents, request)
        guard decision == .allow else { return decision }
        for limit in limits {
            switch PolicyEvaluator.evaluate(limit, request) {
            case .allow: continue
            case .explicitDeny: return .explicitDeny
            case .implicitDeny: return .implicitDeny
            }
        }
        return .allow
    }

    static func of(_ caller: Caller, _ db: Database) throws -> IdentityPolicies {
        switch caller.kind {
        case .root:
            return IdentityPolicies(documents: [], limits: [], isRoot: true)
        case .anonymous:
            return .none
        case .user(let userId, _):
            guard let user = try IAMUser.withId(userId).fetchOne(db) else { return .none }
            return try of(user: user, db)
        case .assumedRole(let roleId, _, _):
            guard let role = try IAMRole.withId(roleId).fetchOne(db) else { return .none }
            var policies = try of(role: role, db)
            if let accessKeyId = caller.sessionAccessKeyId, let session = try STSSession.withId(accessKeyId).fetchOne(db) {
                let sessionDocuments = try (session.sessionPolicy.map { [try parse($0)] } ?? [])
                    + session.sessionPolicyArns.compactMap { try managedDocument($0, role.accountId, db) }
                if !sessionDocuments.isEmpty { policies.limits.append(sessionDocuments) }
            }
            return policies
        }
    }

    static func of(user: IAMUser, _ db: Database) throws -> IdentityPolicies {
        var principalIds = [user.userId]
        principalIds += try IAMGroupMembership.of(user: user.userId).fetchAll(db).map(\.groupId)
        return IdentityPolicies(
            documents: try documents(of: principalIds, user.accountId, db),
            limits: try boundary(user.permissionsBoundary, user.accountId, db),
            isRoot: false)
    }

    static func of(role: IAMRole, _ db: Database) throws -> IdentityPolicies {
        IdentityPolicies(
            documents: try documents(of: [role.roleId], role.accountId, db),
            limits: try boundary(role.permissionsBoundary, role.accountId, db),
            isRoot: false)
    }

    private static func boundary(_ arn: String?, _ accountId: String, _ db: Database) throws -> [[PolicyDocument]] {
        guard let arn else { return [] }
        return [try managedDocument(arn, accountId, db).map { [$0] } ?? []]
    }

    private static func documents(of principalIds: [String], _ accountId: String, _ db: Database) throws -> [PolicyDocument] {
        var documents: [PolicyDocument] = []
        for principalId in principalIds {
            documents += try IAMInlinePolicy.all(on: principalId).fetchAll(db).map { try parse($0.document) }
            documents += try IAMPolicyAttachment.all(on: principalId).fetchAll(db).compactMap { try managedDocument($0.policyArn, accountId, db) }
        }
        return documents
    }

    /// The default version of a managed policy (AWS or customer).
    static func managedDocument(_ arn: String, _ accountId: String, _ db: Database) throws -> PolicyDocument? {
        if let aws = AWSManagedPolicies.policy(arn: arn) { return try parse(aws.document) }
        guard let policy = try IAMLookup.customerPolicy(arn, accountId, db),
              let version = try IAMPolicyVersion.fetchOne(db, key: ["policyId": policy.policyId, "versionId": policy.defaultVersionId])
        else { return nil }
        return try parse(version.document)
    }

    /// Stored documents were validated when written, so one that no longer parses is a bug.
    /// Parsed documents are kept by their text: every authorization (an AssumeRole, an IAM
    /// database login) reads the same few documents again.
    private static func parse(_ json: String) throws -> PolicyDocument {
        if let cached = parsedDocuments.withLock({ $0[json] }) { return cached }
        do {
            let document = try PolicyDocument(json: json, kind: .identity)
            parsedDocuments.withLock { cache in
                if cache.count >= 1024 { cache.removeAll(keepingCapacity: true) }
                cache[json] = document
            }
            return document
        } catch {
            throw AWSError.internalFailure("a stored policy no longer parses: \(error.message)")
        }
    }

    private static let parsedDocuments = Mutex<[String: PolicyDocument]>([:])
}
