import AWSWire
import Foundation
import GRDB
import State

struct CreateRoleRequest: Decodable, Sendable {
    var path: String?
    var roleName: String
    var assumeRolePolicyDocument: String
    var description: String?
    var maxSessionDuration: Int?
    var permissionsBoundary: String?
    var tags: [Tag]?
}

struct RoleResponse: Encodable, Sendable {
    var role: RoleShape
}

struct RoleNameRequest: Decodable, Sendable {
    var roleName: String
}

struct ListRolesRequest: Decodable, Sendable {
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?
}

struct ListRolesResponse: Encodable, Sendable {
    var roles: [RoleShape]
    var isTruncated: Bool
    var marker: String?
}

struct UpdateRoleRequest: Decodable, Sendable {
    var roleName: String
    var description: String?
    var maxSessionDuration: Int?
}

struct UpdateRoleDescriptionRequest: Decodable, Sendable {
    var roleName: String
    var description: String
}

struct UpdateAssumeRolePolicyRequest: Decodable, Sendable {
    var roleName: String
    var policyDocument: String
}

struct TagRoleRequest: Decodable, Sendable {
    var roleName: String
    var tags: [Tag]
}

struct UntagRoleRequest: Decodable, Sendable {
    var roleName: String
    var tagKeys: [String]
}

struct RoleBoundaryRequest: Decodable, Sendable {
    var roleName: String
    var permissionsBoundary: String
}

extension IAMService {
    static let defaultMaxSessionDuration = 3600

    mutating func registerRoles() {
        let store = self.store
        operations.on("CreateRole") { (input: CreateRoleRequest, call) -> RoleResponse in
            let trust = try PolicyDocuments.trustPolicy(input.assumeRolePolicyDocument)
            let role = try await store.write { db in
                if try IAMRole.named(input.roleName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("Role with name \(input.roleName) already exists.")
                }
                try PolicyDocuments.checkPrincipalsExist(trust, db)
                if let boundary = input.permissionsBoundary { _ = try IAMLookup.attachablePolicy(boundary, call.accountId, db) }
                let role = IAMRole(
                    roleId: Identifiers.iamUniqueID(prefix: "AROA"), accountId: call.accountId, roleName: input.roleName,
                    path: input.path ?? "/", createDate: call.now, assumeRolePolicyDocument: input.assumeRolePolicyDocument,
                    description: input.description, maxSessionDuration: input.maxSessionDuration ?? Self.defaultMaxSessionDuration,
                    permissionsBoundary: input.permissionsBoundary)
                try role.insert(db)
                try IAMTags.add(input.tags ?? [], to: role.roleId, db)
                return RoleShape(role, detailed: true, tags: input.tags ?? [])
            }
            return RoleResponse(role: role)
        }

        operations.on("GetRole") { (input: RoleNameRequest, call) -> RoleResponse in
            let role = try await store.read { db in
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                return RoleShape(role, detailed: true, tags: try ResourceTags.of(role.roleId, db))
            }
            return RoleResponse(role: role)
        }

        operations.on("ListRoles") { (input: ListRolesRequest, call) -> ListRolesResponse in
            let roles = try await store.read { db in
                try IAMRole.listed(in: call.accountId).fetchAll(db)
            }.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }
            let page = try Self.page(roles, input.marker, input.maxItems) { $0.roleName }
            return ListRolesResponse(roles: page.items.map { RoleShape($0, detailed: false) }, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("UpdateRole") { (input: UpdateRoleRequest, call) -> Empty in
            try await store.write { db in
                var role = try IAMLookup.role(input.roleName, call.accountId, db)
                role.description = input.description ?? role.description
                role.maxSessionDuration = input.maxSessionDuration ?? role.maxSessionDuration
                try role.update(db)
            }
            return Empty()
        }

        operations.on("UpdateRoleDescription") { (input: UpdateRoleDescriptionRequest, call) -> RoleResponse in
            let role = try await store.write { db in
                var role = try IAMLookup.role(input.roleName, call.accountId, db)
                role.description = input.description
                try role.update(db)
                return RoleShape(role, detailed: true, tags: try ResourceTags.of(role.roleId, db))
            }
            return RoleResponse(role: role)
        }

        operations.on("UpdateAssumeRolePolicy") { (input: UpdateAssumeRolePolicyRequest, call) -> Empty in
            let trust = try PolicyDocuments.trustPolicy(input.policyDocument)
            try await store.write { db in
                var role = try IAMLookup.role(input.roleName, call.accountId, db)
                try PolicyDocuments.checkPrincipalsExist(trust, db)
                role.assumeRolePolicyDocument = input.policyDocument
                try role.update(db)
            }
            return Empty()
        }

        operations.on("DeleteRole") { (input: RoleNameRequest, call) -> Empty in
            try await store.write { db in
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                if try IAMInstanceProfile.holding(roleId: role.roleId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
                }
                if try IAMPolicyAttachment.on(role.roleId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must detach all policies first.")
                }
                if try IAMInlinePolicy.on(role.roleId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must delete policies first.")
                }
                try role.delete(db)
            }
            return Empty()
        }

        operations.on("TagRole") { (input: TagRoleRequest, call) -> Empty in
            try await store.write { db in
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                try IAMTags.add(input.tags, to: role.roleId, db)
            }
            return Empty()
        }

        operations.on("UntagRole") { (input: UntagRoleRequest, call) -> Empty in
            try await store.write { db in
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                try ResourceTags.remove(keys: input.tagKeys, from: role.roleId, db)
            }
            return Empty()
        }

        operations.on("ListRoleTags") { (input: RoleNameRequest, call) -> TagsResponse in
            let tags = try await store.read { db in try ResourceTags.of(try IAMLookup.role(input.roleName, call.accountId, db).roleId, db) }
            return TagsResponse(tags: tags, isTruncated: false, marker: nil)
        }

        operations.on("PutRolePermissionsBoundary") { (input: RoleBoundaryRequest, call) -> Empty in
            try await store.write { db in
                var role = try IAMLookup.role(input.roleName, call.accountId, db)
                _ = try IAMLookup.attachablePolicy(input.permissionsBoundary, call.accountId, db)
                role.permissionsBoundary = input.permissionsBoundary
                try role.update(db)
            }
            return Empty()
        }

        operations.on("DeleteRolePermissionsBoundary") { (input: RoleNameRequest, call) -> Empty in
            try await store.write { db in
                var role = try IAMLookup.role(input.roleName, call.accountId, db)
                role.permissionsBoundary = nil
                try role.update(db)
            }
            return Empty()
        }
    }
}
