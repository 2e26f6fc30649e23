import Foundation
import SigV4
import State

// Output shapes shared by several IAM operations. Property names are the model's member names
// in camel case; the wire layer places them.

struct PermissionsBoundary: Codable, Sendable {
    var permissionsBoundaryType = "PermissionsBoundaryPolicy"
    var permissionsBoundaryArn: String
}

struct UserShape: Encodable, Sendable {
    var path: String
    var userName: String
    var userId: String
    var arn: String
    var createDate: Date
    var permissionsBoundary: PermissionsBoundary?
    var tags: [Tag]?

    /// List operations leave tags and boundaries out, as IAM does.
    init(_ user: IAMUser, detailed: Bool, tags: [Tag] = []) {
        path = user.path
        userName = user.userName
        userId = user.userId
        arn = user.arn
        createDate = user.createDate
        if detailed {
            permissionsBoundary = user.permissionsBoundary.map { PermissionsBoundary(permissionsBoundaryArn: $0) }
            self.tags = tags.isEmpty ? nil : tags
        }
    }
}

struct RoleLastUsed: Encodable, Sendable {
    var lastUsedDate: Date?
    var region: String?
}

struct RoleShape: Encodable, Sendable {
    var path: String
    var roleName: String
    var roleId: String
    var arn: String
    var createDate: Date
    var assumeRolePolicyDocument: String
    var description: String?
    var maxSessionDuration: Int
    var permissionsBoundary: PermissionsBoundary?
    var tags: [Tag]?
    var roleLastUsed: RoleLastUsed?

    init(_ role: IAMRole, detailed: Bool, tags: [Tag] = []) {
        path = role.path
        roleName = role.roleName
        roleId = role.roleId
        arn = role.arn
        createDate = role.createDate
        assumeRolePolicyDocument = PolicyText.urlEncoded(role.assumeRolePolicyDocument)
        description = role.description
        maxSessionDuration = role.maxSessionDuration
        if detailed {
            permissionsBoundary = role.permissionsBoundary.map { PermissionsBoundary(permissionsBoundaryArn: $0) }
            self.tags = tags.isEmpty ? nil : tags
            roleLastUsed = RoleLastUsed(lastUsedDate: role.lastUsedDate, region: role.lastUsedRegion)
        }
    }
}

struct GroupShape: Encodable, Sendable {
    var path: String
    var groupName: String
    var groupId: String
    var arn: String
    var createDate: Date

    init(_ group: IAMGroup) {
        path = group.path
        groupName = group.groupName
        groupId = group.groupId
        arn = group.arn
        createDate = group.createDate
    }
}

struct AttachedPolicyShape: Encodable, Sendable {
    var policyName: String
    var policyArn: String
}

struct PolicyShape: Encodable, Sendable {
    var policyName: String
    var policyId: String
    var arn: String
    var path: String
    var defaultVersionId: String
    var attachmentCount: Int
    var permissionsBoundaryUsageCount: Int
    var isAttachable = true
    var description: String?
    var createDate: Date
    var updateDate: Date
    var tags: [Tag]?
}

struct PolicyVersionShape: Encodable, Sendable {
    var document: String?
    var versionId: String
    var isDefaultVersion: Bool
    var createDate: Date
}

/// Policy documents as IAM returns them: URL-encoded JSON (SDKs decode them).
enum PolicyText {
    static func urlEncoded(_ document: String) -> String {
        URIEncoding.encode(document)
    }

    /// Managed policy size counts characters other than whitespace.
    static func significantLength(_ document: String) -> Int {
        document.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.count
    }
}
