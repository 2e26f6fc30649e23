import AWSWire
import Foundation
import GRDB
import State

struct InstanceProfileShape: Encodable, Sendable {
    var path: String
    var instanceProfileName: String
    var instanceProfileId: String
    var arn: String
    var createDate: Date
    var roles: [RoleShape]
    var tags: [Tag]?
}

struct CreateInstanceProfileRequest: Decodable, Sendable {
    var instanceProfileName: String
    var path: String?
    var tags: [Tag]?
}

struct InstanceProfileResponse: Encodable, Sendable {
    var instanceProfile: InstanceProfileShape
}

struct InstanceProfileNameRequest: Decodable, Sendable {
    var instanceProfileName: String
}

struct ListInstanceProfilesRequest: Decodable, Sendable {
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?
}

struct ListInstanceProfilesForRoleRequest: Decodable, Sendable {
    var roleName: String
    var marker: String?
    var maxItems: Int?
}

struct ListInstanceProfilesResponse: Encodable, Sendable {
    var instanceProfiles: [InstanceProfileShape]
    var isTruncated: Bool
    var marker: String?
}

struct InstanceProfileRoleRequest: Decodable, Sendable {
    var instanceProfileName: String
    var roleName: String
}

struct TagInstanceProfileRequest: Decodable, Sendable {
    var instanceProfileName: String
    var tags: [Tag]
}

struct UntagInstanceProfileRequest: Decodable, Sendable {
    var instanceProfileName: String
    var tagKeys: [String]
}

extension IAMService {
    mutating func registerInstanceProfiles() {
        let store = self.store
        operations.on("CreateInstanceProfile") { (input: CreateInstanceProfileRequest, call) -> InstanceProfileResponse in
            let shape = try await store.write { db in
                if try IAMInstanceProfile.named(input.instanceProfileName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("Instance Profile \(input.instanceProfileName) already exists.")
                }
                let profile = IAMInstanceProfile(
                    instanceProfileId: Identifiers.iamUniqueID(prefix: "AIPA"), accountId: call.accountId,
                    instanceProfileName: input.instanceProfileName, path: input.path ?? "/", createDate: call.now,
                    roleId: nil)
                try profile.insert(db)
                try IAMTags.add(input.tags ?? [], to: profile.instanceProfileId, db)
                return try Self.shape(of: profile, db)
            }
            return InstanceProfileResponse(instanceProfile: shape)
        }

        operations.on("GetInstanceProfile") { (input: InstanceProfileNameRequest, call) -> InstanceProfileResponse in
            let shape = try await store.read { db in
                try Self.shape(of: try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db), db)
            }
            return InstanceProfileResponse(instanceProfile: shape)
        }

        operations.on("ListInstanceProfiles") { (input: ListInstanceProfilesRequest, call) -> ListInstanceProfilesResponse in
            let shapes = try await store.read { db in
                try IAMInstanceProfile.listed(in: call.accountId).fetchAll(db)
                    .filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }
                    .map { try Self.shape(of: $0, db) }
            }
            let page = try Self.page(shapes, input.marker, input.maxItems) { $0.instanceProfileName }
            return ListInstanceProfilesResponse(instanceProfiles: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("ListInstanceProfilesForRole") { (input: ListInstanceProfilesForRoleRequest, call) -> ListInstanceProfilesResponse in
            let shapes = try await store.read { db in
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                return try IAMInstanceProfile.holding(roleId: role.roleId).order(Column("instanceProfileName").collating(.nocase))
                    .fetchAll(db).map { try Self.shape(of: $0, db) }
            }
            let page = try Self.page(shapes, input.marker, input.maxItems) { $0.instanceProfileName }
            return ListInstanceProfilesResponse(instanceProfiles: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("DeleteInstanceProfile") { (input: InstanceProfileNameRequest, call) -> Empty in
            try await store.write { db in
                let profile = try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db)
                if profile.roleId != nil {
                    throw IAMError.deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
                }
                try profile.delete(db)
            }
            return Empty()
        }

        operations.on("AddRoleToInstanceProfile") { (input: InstanceProfileRoleRequest, call) -> Empty in
            try await store.write { db in
                var profile = try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db)
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                if profile.roleId != nil {
                    throw IAMError.limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
                }
                profile.roleId = role.roleId
                try profile.update(db)
            }
            return Empty()
        }

        operations.on("RemoveRoleFromInstanceProfile") { (input: InstanceProfileRoleRequest, call) -> Empty in
            try await store.write { db in
                var profile = try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db)
                let role = try IAMLookup.role(input.roleName, call.accountId, db)
                guard profile.roleId == role.roleId else {
                    throw IAMError.noSuchEntity("Role \(role.roleName) in Instance Profile \(profile.instanceProfileName) cannot be found.")
                }
                profile.roleId = nil
                try profile.update(db)
            }
            return Empty()
        }

        operations.on("TagInstanceProfile") { (input: TagInstanceProfileRequest, call) -> Empty in
            try await store.write { db in
                let profile = try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db)
                try IAMTags.add(input.tags, to: profile.instanceProfileId, db)
            }
            return Empty()
        }

        operations.on("UntagInstanceProfile") { (input: UntagInstanceProfileRequest, call) -> Empty in
            try await store.write { db in
                let profile = try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db)
                try ResourceTags.remove(keys: input.tagKeys, from: profile.instanceProfileId, db)
            }
            return Empty()
        }

        operations.on("ListInstanceProfileTags") { (input: InstanceProfileNameRequest, call) -> TagsResponse in
            let tags = try await store.read { db in
                try ResourceTags.of(try IAMLookup.instanceProfile(input.instanceProfileName, call.accountId, db).instanceProfileId, db)
            }
            return TagsResponse(tags: tags, isTruncated: false, marker: nil)
        }
    }

    static func shape(of profile: IAMInstanceProfile, _ db: Database) throws -> InstanceProfileShape {
        let roles = try profile.roleId.flatMap { try IAMRole.withId($0).fetchOne(db) }.map { [RoleShape($0, detailed: false)] } ?? []
        let tags = try ResourceTags.of(profile.instanceProfileId, db)
        return InstanceProfileShape(
            path: profile.path, instanceProfileName: profile.instanceProfileName, instanceProfileId: profile.instanceProfileId,
            arn: profile.arn, createDate: profile.createDate, roles: roles, tags: tags.isEmpty ? nil : tags)
    }
}
