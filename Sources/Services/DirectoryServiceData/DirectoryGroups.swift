import AWSWire
import Foundation
import GRDB
import State

extension DirectoryServiceData {
    struct CreateGroupRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var groupScope: String?
        var groupType: String?
        var otherAttributes: [String: AttributeValue]?
        var clientToken: String?
    }

    struct DescribeGroupResponse: Encodable, Sendable {
        var directoryId: String
        var distinguishedName: String
        var groupScope: String
        var groupType: String
        var otherAttributes: [String: AttributeValue]?
        var realm: String
        var samAccountName: String
        var sid: String
    }

    struct GroupSummaryShape: Encodable, Sendable {
        var groupScope: String
        var groupType: String
        var samAccountName: String
        var sid: String

        init(_ group: DSGroup) {
            groupScope = group.groupScope
            groupType = group.groupType
            samAccountName = group.samAccountName
            sid = group.sid
        }
    }

    struct GroupShape: Encodable, Sendable {
        var distinguishedName: String
        var groupScope: String
        var groupType: String
        var otherAttributes: [String: AttributeValue]?
        var samAccountName: String
        var sid: String
    }

    struct ListGroupsResponse: Encodable, Sendable {
        var directoryId: String
        var groups: [GroupSummaryShape]
        var nextToken: String?
        var realm: String
    }

    struct SearchGroupsResponse: Encodable, Sendable {
        var directoryId: String
        var groups: [GroupShape]
        var nextToken: String?
        var realm: String
    }

    struct UpdateGroupRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var groupScope: String?
        var groupType: String?
        var otherAttributes: [String: AttributeValue]?
        var updateType: String?
        var clientToken: String?
    }

    mutating func registerGroups() {
        let store = self.store
        operations.on("CreateGroup") { (input: CreateGroupRequest, call) -> CreatedObjectResponse in
            let fingerprint = "\(input.samAccountName)|\(input.groupScope ?? "")|\(input.groupType ?? "")"
            return try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "CreateGroup", fingerprint: fingerprint, now: call.now, db),
                   let existing = try DSGroup.named(input.samAccountName, in: directory.directoryId).fetchOne(db) {
                    return CreatedObjectResponse(directoryId: directory.directoryId, samAccountName: existing.samAccountName, sid: existing.sid)
                }
                if try DSGroup.named(input.samAccountName, in: directory.directoryId).fetchOne(db) != nil
                    || DSUser.named(input.samAccountName, in: directory.directoryId).fetchOne(db) != nil {
                    throw DSDataError.conflict("An object named \(input.samAccountName) already exists in directory \(directory.directoryId).")
                }
                let group = DSGroup(
                    directoryId: directory.directoryId, samAccountName: input.samAccountName,
                    sid: try SecurityIdentifiers.next(in: directory.directoryId, db), groupScope: input.groupScope ?? "Global",
                    groupType: input.groupType ?? "Security", otherAttributes: input.otherAttributes ?? [:], createdAt: call.now)
                try group.insert(db)
                return CreatedObjectResponse(directoryId: directory.directoryId, samAccountName: group.samAccountName, sid: group.sid)
            }
        }

        operations.on("DescribeGroup") { (input: ObjectRequest, call) -> DescribeGroupResponse in
            try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                guard let group = try DSGroup.named(input.samAccountName, in: owner.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("Group \(input.samAccountName) does not exist in \(owner.name).")
                }
                let shape = Self.shape(of: group, in: owner, attributes: input.otherAttributes)
                return DescribeGroupResponse(
                    directoryId: directory.directoryId, distinguishedName: shape.distinguishedName, groupScope: group.groupScope,
                    groupType: group.groupType, otherAttributes: shape.otherAttributes, realm: owner.name,
                    samAccountName: group.samAccountName, sid: group.sid)
            }
        }

        operations.on("ListGroups") { (input: ListRequest, call) -> ListGroupsResponse in
            let (directory, owner, groups) = try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                return (directory, owner, try DSGroup.listed(in: owner.directoryId).fetchAll(db))
            }
            let page = try DataAccessGate.page(groups, token: input.nextToken, maxResults: input.maxResults)
            return ListGroupsResponse(directoryId: directory.directoryId, groups: page.items.map(GroupSummaryShape.init), nextToken: page.next, realm: owner.name)
        }

        operations.on("SearchGroups") { (input: SearchRequest, call) -> SearchGroupsResponse in
            let (directory, owner, groups) = try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                return (directory, owner, try DSGroup.listed(in: owner.directoryId).fetchAll(db))
            }
            let needle = input.searchString.lowercased()
            let matches = try groups.filter { group in
                try input.searchAttributes.contains { attribute in
                    switch attribute.lowercased() {
                    case "samaccountname": return group.samAccountName.lowercased().contains(needle)
                    case "grouptype": return group.groupType.lowercased().contains(needle)
                    case "groupscope": return group.groupScope.lowercased().contains(needle)
                    default:
                        guard let value = group.otherAttributes.first(where: { $0.key.lowercased() == attribute.lowercased() })?.value else {
                            throw DSDataError.validation("The attribute \(attribute) cannot be searched.", reason: "INVALID_ATTRIBUTE_FOR_SEARCH")
                        }
                        return (value.s ?? value.ss?.joined(separator: " ") ?? "").lowercased().contains(needle)
                    }
                }
            }
            let page = try DataAccessGate.page(matches, token: input.nextToken, maxResults: input.maxResults)
            return SearchGroupsResponse(directoryId: directory.directoryId, groups: page.items.map { Self.shape(of: $0, in: owner, attributes: nil) },
                                        nextToken: page.next, realm: owner.name)
        }

        operations.on("UpdateGroup") { (input: UpdateGroupRequest, call) -> Empty in
            let fingerprint = "\(input.samAccountName)|\(input.updateType ?? "")|\(input.groupScope ?? "")|\(input.groupType ?? "")"
            try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "UpdateGroup", fingerprint: fingerprint, now: call.now, db) { return }
                guard var group = try DSGroup.named(input.samAccountName, in: directory.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("Group \(input.samAccountName) does not exist.")
                }
                group.groupScope = input.groupScope ?? group.groupScope
                group.groupType = input.groupType ?? group.groupType
                switch input.updateType ?? "REPLACE" {
                case "REMOVE": for name in (input.otherAttributes ?? [:]).keys { group.otherAttributes.removeValue(forKey: name) }
                default: group.otherAttributes.merge(input.otherAttributes ?? [:]) { _, new in new }
                }
                try group.update(db)
            }
            return Empty()
        }

        operations.on("DeleteGroup") { (input: ObjectRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "DeleteGroup",
                                               fingerprint: input.samAccountName, now: call.now, db) { return }
                guard let group = try DSGroup.named(input.samAccountName, in: directory.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("Group \(input.samAccountName) does not exist.")
                }
                try DSGroupMember.filter(Column("directoryId") == directory.directoryId && Column("groupName") == group.samAccountName).deleteAll(db)
                try DSGroupMember.filter(Column("directoryId") == directory.directoryId && Column("memberName") == group.samAccountName
                                         && Column("memberType") == "GROUP").deleteAll(db)
                _ = try group.delete(db)
            }
            return Empty()
        }
    }

    static func shape(of group: DSGroup, in directory: DSDirectory, attributes: [String]?) -> GroupShape {
        var other: [String: AttributeValue]?
        if let attributes {
            other = [:]
            for name in attributes {
                if let value = group.otherAttributes.first(where: { $0.key.lowercased() == name.lowercased() })?.value {
                    other?[name] = value
                }
            }
        }
        return GroupShape(distinguishedName: DataAccessGate.distinguishedName(group.samAccountName, in: directory),
                          groupScope: group.groupScope, groupType: group.groupType, otherAttributes: other,
                          samAccountName: group.samAccountName, sid: group.sid)
    }
}
