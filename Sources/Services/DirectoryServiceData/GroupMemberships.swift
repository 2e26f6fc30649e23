import AWSWire
import Foundation
import GRDB
import State

extension DirectoryServiceData {
    struct MembershipRequest: Decodable, Sendable {
        var directoryId: String
        var groupName: String
        var memberName: String
        var memberRealm: String?
        var clientToken: String?
    }

    struct ListMembershipRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var realm: String?
        var memberRealm: String?
        var maxResults: Int?
        var nextToken: String?
    }

    struct MemberShape: Encodable, Sendable {
        var memberType: String
        var samAccountName: String
        var sid: String
    }

    struct ListGroupMembersResponse: Encodable, Sendable {
        var directoryId: String
        var memberRealm: String
        var members: [MemberShape]
        var nextToken: String?
        var realm: String
    }

    struct ListGroupsForMemberResponse: Encodable, Sendable {
        var directoryId: String
        var groups: [GroupSummaryShape]
        var memberRealm: String
        var nextToken: String?
        var realm: String
    }

    /// Members may be users or groups of the directory or of a realm it trusts.
    mutating func registerMemberships() {
        let store = self.store
        operations.on("AddGroupMember") { (input: MembershipRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let fingerprint = "\(input.groupName)|\(input.memberName)|\(input.memberRealm ?? "")"
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "AddGroupMember", fingerprint: fingerprint, now: call.now, db) { return }
                guard let group = try DSGroup.named(input.groupName, in: directory.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("Group \(input.groupName) does not exist.")
                }
                let memberDirectory = try DataAccessGate.realmDirectory(input.memberRealm, of: directory, db)
                let member: (type: String, name: String, sid: String)
                if let user = try DSUser.named(input.memberName, in: memberDirectory.directoryId).fetchOne(db) {
                    member = ("USER", user.samAccountName, user.sid)
                } else if let nested = try DSGroup.named(input.memberName, in: memberDirectory.directoryId).fetchOne(db) {
                    member = ("GROUP", nested.samAccountName, nested.sid)
                } else {
                    throw DSDataError.notFound("\(input.memberName) does not exist in \(memberDirectory.name).")
                }
                let existing = try DSGroupMember.fetchOne(db, key: ["directoryId": directory.directoryId, "groupName": group.samAccountName,
                                                                    "memberName": member.name, "memberRealm": memberDirectory.realm])
                if existing != nil {
                    throw DSDataError.conflict("\(member.name) is already a member of \(group.samAccountName).")
                }
                try DSGroupMember(directoryId: directory.directoryId, groupName: group.samAccountName, memberName: member.name,
                                  memberRealm: memberDirectory.realm, memberType: member.type, memberSid: member.sid, addedAt: call.now).insert(db)
            }
            return Empty()
        }

        operations.on("RemoveGroupMember") { (input: MembershipRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let fingerprint = "\(input.groupName)|\(input.memberName)|\(input.memberRealm ?? "")"
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "RemoveGroupMember", fingerprint: fingerprint, now: call.now, db) { return }
                let memberDirectory = try DataAccessGate.realmDirectory(input.memberRealm, of: directory, db)
                let removed = try DSGroupMember.filter(Column("directoryId") == directory.directoryId && Column("groupName") == input.groupName
                                                       && Column("memberName") == input.memberName && Column("memberRealm") == memberDirectory.realm).deleteAll(db)
                if removed == 0 {
                    throw DSDataError.notFound("\(input.memberName) is not a member of \(input.groupName).")
                }
            }
            return Empty()
        }

        operations.on("ListGroupMembers") { (input: ListMembershipRequest, call) -> ListGroupMembersResponse in
            let (directory, owner, members) = try await store.read { db -> (DSDirectory, DSDirectory, [DSGroupMember]) in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                guard try DSGroup.named(input.samAccountName, in: owner.directoryId).fetchOne(db) != nil else {
                    throw DSDataError.notFound("Group \(input.samAccountName) does not exist.")
                }
                var members = try DSGroupMember.filter(Column("directoryId") == owner.directoryId && Column("groupName") == input.samAccountName)
                    .order(Column("memberName")).fetchAll(db)
                if let realm = input.memberRealm {
                    members = members.filter { $0.memberRealm.lowercased() == realm.uppercased().lowercased() }
                }
                return (directory, owner, members)
            }
            let page = try DataAccessGate.page(members, token: input.nextToken, maxResults: input.maxResults)
            return ListGroupMembersResponse(
                directoryId: directory.directoryId, memberRealm: input.memberRealm ?? owner.name,
                members: page.items.map { MemberShape(memberType: $0.memberType, samAccountName: $0.memberName, sid: $0.memberSid) },
                nextToken: page.next, realm: owner.name)
        }

        operations.on("ListGroupsForMember") { (input: ListMembershipRequest, call) -> ListGroupsForMemberResponse in
            let (directory, owner, groups) = try await store.read { db -> (DSDirectory, DSDirectory, [DSGroup]) in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                let memberDirectory = try DataAccessGate.realmDirectory(input.memberRealm, of: directory, db)
                guard try DSUser.named(input.samAccountName, in: memberDirectory.directoryId).fetchOne(db) != nil
                        || DSGroup.named(input.samAccountName, in: memberDirectory.directoryId).fetchOne(db) != nil
                else { throw DSDataError.notFound("\(input.samAccountName) does not exist in \(memberDirectory.name).") }
                let names = try DSGroupMember.filter(Column("directoryId") == owner.directoryId && Column("memberName") == input.samAccountName
                                                     && Column("memberRealm") == memberDirectory.realm).fetchAll(db).map(\.groupName)
                return (directory, owner, try names.compactMap { try DSGroup.named($0, in: owner.directoryId).fetchOne(db) })
            }
            let page = try DataAccessGate.page(groups, token: input.nextToken, maxResults: input.maxResults)
            return ListGroupsForMemberResponse(directoryId: directory.directoryId, groups: page.items.map(GroupSummaryShape.init),
                                               memberRealm: input.memberRealm ?? owner.name, nextToken: page.next, realm: owner.name)
        }
    }
}
