import AWSWire
import Foundation
import GRDB
import State

struct CreatePolicyRequest: Decodable, Sendable {
    var policyName: String
    var path: String?
    var policyDocument: String
    var description: String?
    var tags: [Tag]?
}

struct PolicyResponse: Encodable, Sendable {
    var policy: PolicyShape
}

struct PolicyArnRequest: Decodable, Sendable {
    var policyArn: String
}

struct ListPoliciesRequest: Decodable, Sendable {
    enum Scope: String, Decodable, Sendable {
        case all = "All"
        case aws = "AWS"
        case local = "Local"
    }

    var scope: Scope?
    var onlyAttached: Bool?
    var pathPrefix: String?
    var policyUsageFilter: String?
    var marker: String?
    var maxItems: Int?
}

struct ListPoliciesResponse: Encodable, Sendable {
    var policies: [PolicyShape]
    var isTruncated: Bool
    var marker: String?
}

struct CreatePolicyVersionRequest: Decodable, Sendable {
    var policyArn: String
    var policyDocument: String
    var setAsDefault: Bool?
}

struct PolicyVersionResponse: Encodable, Sendable {
    var policyVersion: PolicyVersionShape
}

struct PolicyVersionRequest: Decodable, Sendable {
    var policyArn: String
    var versionId: String
}

struct ListPolicyVersionsRequest: Decodable, Sendable {
    var policyArn: String
    var marker: String?
    var maxItems: Int?
}

struct ListPolicyVersionsResponse: Encodable, Sendable {
    var versions: [PolicyVersionShape]
    var isTruncated: Bool
    var marker: String?
}

struct TagPolicyRequest: Decodable, Sendable {
    var policyArn: String
    var tags: [Tag]
}

struct UntagPolicyRequest: Decodable, Sendable {
    var policyArn: String
    var tagKeys: [String]
}

struct ListEntitiesForPolicyRequest: Decodable, Sendable {
    var policyArn: String
    var entityFilter: String?
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?
}

struct PolicyUserShape: Encodable, Sendable { var userName: String; var userId: String }
struct PolicyGroupShape: Encodable, Sendable { var groupName: String; var groupId: String }
struct PolicyRoleShape: Encodable, Sendable { var roleName: String; var roleId: String }

struct ListEntitiesForPolicyResponse: Encodable, Sendable {
    var policyGroups: [PolicyGroupShape]
    var policyUsers: [PolicyUserShape]
    var policyRoles: [PolicyRoleShape]
    var isTruncated: Bool
    var marker: String?
}

extension IAMService {
    static let versionsPerPolicy = 5

    mutating func registerManagedPolicies() {
        let store = self.store
        operations.on("CreatePolicy") { (input: CreatePolicyRequest, call) -> PolicyResponse in
            _ = try PolicyDocuments.managedPolicy(input.policyDocument)
            let path = input.path ?? "/"
            let shape = try await store.write { db in
                if try IAMManagedPolicy.inAccount(call.accountId).filter(Column("policyName") == input.policyName).fetchCount(db) > 0 {
                    throw IAMError.entityAlreadyExists("A policy called \(input.policyName) already exists. Duplicate names are not allowed.")
                }
                let policy = IAMManagedPolicy(
                    policyId: Identifiers.iamUniqueID(prefix: "ANPA"), accountId: call.accountId, policyName: input.policyName,
                    path: path, arn: "arn:aws:iam::\(call.accountId):policy\(path)\(input.policyName)", description: input.description,
                    defaultVersionId: "v1", nextVersionNumber: 2, createDate: call.now, updateDate: call.now)
                try policy.insert(db)
                try IAMTags.add(input.tags ?? [], to: policy.policyId, db)
                try IAMPolicyVersion(policyId: policy.policyId, versionId: "v1", document: input.policyDocument, createDate: call.now).insert(db)
                return try Self.shape(of: policy, detailed: true, db)
            }
            return PolicyResponse(policy: shape)
        }

        operations.on("GetPolicy") { (input: PolicyArnRequest, call) -> PolicyResponse in
            try await store.read { db in
                if let aws = AWSManagedPolicies.policy(arn: input.policyArn) {
                    return PolicyResponse(policy: try Self.shape(of: aws, call.accountId, db))
                }
                guard let policy = try IAMLookup.customerPolicy(input.policyArn, call.accountId, db) else {
                    throw IAMError.noSuchPolicy(input.policyArn)
                }
                return PolicyResponse(policy: try Self.shape(of: policy, detailed: true, db))
            }
        }

        operations.on("ListPolicies") { (input: ListPoliciesRequest, call) -> ListPoliciesResponse in
            let scope = input.scope ?? .all
            var policies = try await store.read { db in
                var shapes: [PolicyShape] = []
                if scope != .local {
                    shapes += try AWSManagedPolicies.all.map { try Self.shape(of: $0, call.accountId, db) }
                }
                if scope != .aws {
                    shapes += try IAMManagedPolicy.inAccount(call.accountId).fetchAll(db).map { try Self.shape(of: $0, detailed: false, db) }
                }
                return shapes
            }
            policies = policies
                .filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }
                .filter { input.onlyAttached != true || $0.attachmentCount > 0 }
                .filter { input.policyUsageFilter != "PermissionsBoundary" || $0.permissionsBoundaryUsageCount > 0 }
                .sorted { $0.policyName.lowercased() < $1.policyName.lowercased() }
            let page = try Self.page(policies, input.marker, input.maxItems) { $0.policyName }
            return ListPoliciesResponse(policies: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("DeletePolicy") { (input: PolicyArnRequest, call) -> Empty in
            try await store.write { db in
                let policy = try Self.ownPolicy(input.policyArn, call, db)
                if try IAMPolicyAttachment.of(policy.arn, in: call.accountId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete a policy attached to entities.")
                }
                if try IAMPolicyVersion.of(policy.policyId).fetchCount(db) > 1 {
                    throw IAMError.deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
                }
                try policy.delete(db)
            }
            return Empty()
        }

        operations.on("CreatePolicyVersion") { (input: CreatePolicyVersionRequest, call) -> PolicyVersionResponse in
            _ = try PolicyDocuments.managedPolicy(input.policyDocument)
            let version = try await store.write { db in
                var policy = try Self.ownPolicy(input.policyArn, call, db)
                if try IAMPolicyVersion.of(policy.policyId).fetchCount(db) >= Self.versionsPerPolicy {
                    throw IAMError.limitExceeded("A managed policy can have up to \(Self.versionsPerPolicy) versions. Before you create a new version, you must delete an existing version.")
                }
                let version = IAMPolicyVersion(policyId: policy.policyId, versionId: "v\(policy.nextVersionNumber)",
                                               document: input.policyDocument, createDate: call.now)
                try version.insert(db)
                policy.nextVersionNumber += 1
                policy.updateDate = call.now
                if input.setAsDefault == true { policy.defaultVersionId = version.versionId }
                try policy.update(db)
                return PolicyVersionShape(document: nil, versionId: version.versionId,
                                          isDefaultVersion: policy.defaultVersionId == version.versionId, createDate: version.createDate)
            }
            return PolicyVersionResponse(policyVersion: version)
        }

        operations.on("GetPolicyVersion") { (input: PolicyVersionRequest, call) -> PolicyVersionResponse in
            try await store.read { db in
                if let aws = AWSManagedPolicies.policy(arn: input.policyArn), aws.versionId == input.versionId {
                    return PolicyVersionResponse(policyVersion: PolicyVersionShape(
                        document: PolicyText.urlEncoded(aws.document), versionId: aws.versionId, isDefaultVersion: true,
                        createDate: AWSManagedPolicy.publishedDate))
                }
                guard let policy = try IAMLookup.customerPolicy(input.policyArn, call.accountId, db),
                      let version = try IAMPolicyVersion.fetchOne(db, key: ["policyId": policy.policyId, "versionId": input.versionId])
                else { throw IAMError.noSuchEntity("Policy \(input.policyArn) version \(input.versionId) does not exist or is not attachable.") }
                return PolicyVersionResponse(policyVersion: PolicyVersionShape(
                    document: PolicyText.urlEncoded(version.document), versionId: version.versionId,
                    isDefaultVersion: version.versionId == policy.defaultVersionId, createDate: version.createDate))
            }
        }

        operations.on("ListPolicyVersions") { (input: ListPolicyVersionsRequest, call) -> ListPolicyVersionsResponse in
            let versions = try await store.read { db -> [PolicyVersionShape] in
                if let aws = AWSManagedPolicies.policy(arn: input.policyArn) {
                    return [PolicyVersionShape(document: nil, versionId: aws.versionId, isDefaultVersion: true, createDate: AWSManagedPolicy.publishedDate)]
                }
                guard let policy = try IAMLookup.customerPolicy(input.policyArn, call.accountId, db) else {
                    throw IAMError.noSuchPolicy(input.policyArn)
                }
                return try IAMPolicyVersion.of(policy.policyId).fetchAll(db)
                    .sorted { Self.versionNumber($0.versionId) > Self.versionNumber($1.versionId) }
                    .map { PolicyVersionShape(document: nil, versionId: $0.versionId, isDefaultVersion: $0.versionId == policy.defaultVersionId, createDate: $0.createDate) }
            }
            // Newest first, as IAM lists them; the key ascends along that order.
            let page = try Self.page(versions, input.marker, input.maxItems) { Self.ascendingKey(Int(Int32.max) - Self.versionNumber($0.versionId)) }
            return ListPolicyVersionsResponse(versions: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("DeletePolicyVersion") { (input: PolicyVersionRequest, call) -> Empty in
            try await store.write { db in
                let policy = try Self.ownPolicy(input.policyArn, call, db)
                if policy.defaultVersionId == input.versionId {
                    throw IAMError.deleteConflict("Cannot delete the default version of a policy.")
                }
                let deleted = try IAMPolicyVersion.of(policy.policyId).filter(Column("versionId") == input.versionId).deleteAll(db)
                if deleted == 0 {
                    throw IAMError.noSuchEntity("Policy \(input.policyArn) version \(input.versionId) does not exist or is not attachable.")
                }
            }
            return Empty()
        }

        operations.on("SetDefaultPolicyVersion") { (input: PolicyVersionRequest, call) -> Empty in
            try await store.write { db in
                var policy = try Self.ownPolicy(input.policyArn, call, db)
                guard try IAMPolicyVersion.of(policy.policyId).filter(Column("versionId") == input.versionId).fetchCount(db) == 1 else {
                    throw IAMError.noSuchEntity("Policy \(input.policyArn) version \(input.versionId) does not exist or is not attachable.")
                }
                policy.defaultVersionId = input.versionId
                policy.updateDate = call.now
                try policy.update(db)
            }
            return Empty()
        }

        operations.on("TagPolicy") { (input: TagPolicyRequest, call) -> Empty in
            try await store.write { db in
                let policy = try Self.ownPolicy(input.policyArn, call, db)
                try IAMTags.add(input.tags, to: policy.policyId, db)
            }
            return Empty()
        }

        operations.on("UntagPolicy") { (input: UntagPolicyRequest, call) -> Empty in
            try await store.write { db in
                let policy = try Self.ownPolicy(input.policyArn, call, db)
                try ResourceTags.remove(keys: input.tagKeys, from: policy.policyId, db)
            }
            return Empty()
        }

        operations.on("ListPolicyTags") { (input: PolicyArnRequest, call) -> TagsResponse in
            let tags = try await store.read { db in try ResourceTags.of(try Self.ownPolicy(input.policyArn, call, db).policyId, db) }
            return TagsResponse(tags: tags, isTruncated: false, marker: nil)
        }

        operations.on("ListEntitiesForPolicy") { (input: ListEntitiesForPolicyRequest, call) -> ListEntitiesForPolicyResponse in
            try await store.read { db in
                _ = try IAMLookup.attachablePolicy(input.policyArn, call.accountId, db)
                let attachments = try IAMPolicyAttachment.of(input.policyArn, in: call.accountId).fetchAll(db)
                let wanted = input.entityFilter.map { [$0] } ?? ["User", "Group", "Role"]
                var response = ListEntitiesForPolicyResponse(policyGroups: [], policyUsers: [], policyRoles: [], isTruncated: false)
                let prefix = input.pathPrefix ?? "/"
                for attachment in attachments {
                    switch attachment.principalKind {
                    case .user where wanted.contains("User"):
                        if let user = try IAMUser.withId(attachment.principalId).fetchOne(db), user.path.hasPrefix(prefix) {
                            response.policyUsers.append(PolicyUserShape(userName: user.userName, userId: user.userId))
                        }
                    case .group where wanted.contains("Group"):
                        if let group = try IAMGroup.withId(attachment.principalId).fetchOne(db), group.path.hasPrefix(prefix) {
                            response.policyGroups.append(PolicyGroupShape(groupName: group.groupName, groupId: group.groupId))
                        }
                    case .role where wanted.contains("Role"):
                        if let role = try IAMRole.withId(attachment.principalId).fetchOne(db), role.path.hasPrefix(prefix) {
                            response.policyRoles.append(PolicyRoleShape(roleName: role.roleName, roleId: role.roleId))
                        }
                    default:
                        break
                    }
                }
                return response
            }
        }
    }

    /// `v12` → 12; versions are numbered in the order they were created.
    static func versionNumber(_ versionId: String) -> Int {
        Int(versionId.dropFirst()) ?? 0
    }

    /// A customer managed policy of the caller's account; AWS managed policies cannot be changed.
    static func ownPolicy(_ arn: String, _ call: CallContext, _ db: Database) throws -> IAMManagedPolicy {
        if AWSManagedPolicies.isAWSManaged(arn) {
            throw IAMError.unmodifiableEntity("Cannot modify AWS managed policy \(arn).")
        }
        guard let policy = try IAMLookup.customerPolicy(arn, call.accountId, db) else { throw IAMError.noSuchPolicy(arn) }
        return policy
    }

    static func usage(of arn: String, _ accountId: String, _ db: Database) throws -> (attachments: Int, boundaries: Int) {
        let attachments = try IAMPolicyAttachment.of(arn, in: accountId).fetchCount(db)
        let boundaries = try IAMUser.inAccount(accountId).filter(Column("permissionsBoundary") == arn).fetchCount(db)
            + IAMRole.inAccount(accountId).filter(Column("permissionsBoundary") == arn).fetchCount(db)
        return (attachments, boundaries)
    }

    static func shape(of policy: IAMManagedPolicy, detailed: Bool, _ db: Database) throws -> PolicyShape {
        let usage = try usage(of: policy.arn, policy.accountId, db)
        let tags = detailed ? try ResourceTags.of(policy.policyId, db) : []
        return PolicyShape(
            policyName: policy.policyName, policyId: policy.policyId, arn: policy.arn, path: policy.path,
            defaultVersionId: policy.defaultVersionId, attachmentCount: usage.attachments,
            permissionsBoundaryUsageCount: usage.boundaries, description: detailed ? policy.description : nil,
            createDate: policy.createDate, updateDate: policy.updateDate,
            tags: tags.isEmpty ? nil : tags)
    }

    static func shape(of policy: AWSManagedPolicy, _ accountId: String, _ db: Database) throws -> PolicyShape {
        let usage = try usage(of: policy.arn, accountId, db)
        return PolicyShape(
            policyName: policy.name, policyId: policy.policyId, arn: policy.arn, path: policy.path,
            defaultVersionId: policy.versionId, attachmentCount: usage.attachments,
            permissionsBoundaryUsageCount: usage.boundaries, description: policy.description,
            createDate: AWSManagedPolicy.publishedDate, updateDate: AWSManagedPolicy.publishedDate)
    }
}
