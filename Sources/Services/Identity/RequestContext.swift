import Foundation
import GRDB
import Policy
import State

/// The global condition keys every authorization carries about its caller and moment: who
/// (`aws:PrincipalArn`, type, account, user id and name, principal tags), when, where, and how.
/// Operations add their own keys (`sts:ExternalId`, …) to what this gives.
enum RequestContext {
    static func of(_ caller: Caller, now: Date, region: String, secureTransport: Bool, _ db: Database) throws -> [String: ContextValue] {
        var context: [String: ContextValue] = [
            "aws:PrincipalArn": .string(caller.principalArn),
            "aws:PrincipalAccount": .string(caller.accountId),
            "aws:userid": .string(caller.userId),
            "aws:CurrentTime": .date(now),
            "aws:EpochTime": .number(now.timeIntervalSince1970.rounded(.down)),
            "aws:RequestedRegion": .string(region),
            "aws:SecureTransport": .bool(secureTransport),
            "aws:MultiFactorAuthPresent": .bool(false),
        ]
        var principalTags: [Tag] = []
        switch caller.kind {
        case .user(let userId, let userName):
            context["aws:PrincipalType"] = .string("User")
            context["aws:username"] = .string(userName)
            principalTags = try ResourceTags.of(userId, db)
        case .assumedRole(let roleId, _, _):
            context["aws:PrincipalType"] = .string("AssumedRole")
            principalTags = try ResourceTags.of(roleId, db)
        case .root, .anonymous:
            context["aws:PrincipalType"] = .string("Account")
        }
        for tag in principalTags { context["aws:PrincipalTag/\(tag.key)"] = .string(tag.value) }
        return context
    }
}
