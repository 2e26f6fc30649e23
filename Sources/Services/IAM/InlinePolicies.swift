import AWSWire
import Foundation
import GRDB
import State

/// `Get{User,Group,Role}Policy` output: the entity's name member depends on the kind.
struct InlinePolicyResponse: Encodable, Sendable {
    let kind: IAMPrincipalKind
    let principalName: String
    let policyName: String
    let policyDocument: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(principalName, forKey: DynamicKey(kind.nameKey))
        try container.encode(policyName, forKey: DynamicKey("policyName"))
        try container.encode(PolicyText.urlEncoded(policyDocument), forKey: DynamicKey("policyDocument"))
    }
}

struct ListInlinePoliciesResponse: Encodable, Sendable {
    var policyNames: [String]
    var isTruncated: Bool
    var marker: String?
}

extension IAMService {
    /// Put/Get/List/Delete inline policies of users, groups and roles.
    mutating func registerInlinePolicies() {
        let store = self.store
        for kind in IAMPrincipalKind.allCases {
            operations.on("Put\(kind.noun)Policy") { (input: PrincipalPolicyRequest, call) -> Empty in
                let name = input.policyName ?? "", document = input.policyDocument ?? ""
                _ = try PolicyDocuments.identityPolicy(document)
                try await store.write { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    let others = try IAMInlinePolicy.on(principal.id).filter(Column("policyName") != name).fetchAll(db)
                    let total = others.reduce(PolicyText.significantLength(document)) { $0 + PolicyText.significantLength($1.document) }
                    if total > kind.inlinePolicySizeLimit {
                        throw IAMError.limitExceeded("Maximum policy size of \(kind.inlinePolicySizeLimit) bytes exceeded for \(kind.rawValue) \(principal.name)")
                    }
                    try IAMInlinePolicy(principalId: principal.id, policyName: name, document: document).save(db)
                }
                return Empty()
            }

            operations.on("Get\(kind.noun)Policy") { (input: PrincipalPolicyRequest, call) -> InlinePolicyResponse in
                let name = input.policyName ?? ""
                let (principal, policy) = try await store.read { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    guard let policy = try IAMInlinePolicy.fetchOne(db, key: ["principalId": principal.id, "policyName": name]) else {
                        throw IAMError.noSuchEntity("The \(kind.rawValue) policy with name \(name) cannot be found.")
                    }
                    return (principal, policy)
                }
                return InlinePolicyResponse(kind: kind, principalName: principal.name, policyName: policy.policyName, policyDocument: policy.document)
            }

            operations.on("List\(kind.noun)Policies") { (input: PrincipalPolicyRequest, call) -> ListInlinePoliciesResponse in
                let names = try await store.read { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    return try IAMInlinePolicy.on(principal.id).fetchAll(db).map(\.policyName)
                }.sorted { $0.lowercased() < $1.lowercased() }
                let page = try Self.page(names, input.marker, input.maxItems) { $0 }
                return ListInlinePoliciesResponse(policyNames: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
            }

            operations.on("Delete\(kind.noun)Policy") { (input: PrincipalPolicyRequest, call) -> Empty in
                let name = input.policyName ?? ""
                try await store.write { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    let deleted = try IAMInlinePolicy.on(principal.id).filter(Column("policyName") == name).deleteAll(db)
                    if deleted == 0 { throw IAMError.noSuchEntity("The \(kind.rawValue) policy with name \(name) cannot be found.") }
                }
                return Empty()
            }
        }
    }
}
