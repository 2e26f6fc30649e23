import AWSWire
import Foundation
import GRDB
import State

struct ListAttachedPoliciesResponse: Encodable, Sendable {
    var attachedPolicies: [AttachedPolicyShape]
    var isTruncated: Bool
    var marker: String?
}

extension IAMService {
    /// Attach/Detach/ListAttached for users, groups and roles.
    mutating func registerAttachments() {
        let store = self.store
        for kind in IAMPrincipalKind.allCases {
            operations.on("Attach\(kind.noun)Policy") { (input: PrincipalPolicyRequest, call) -> Empty in
                try await store.write { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    let arn = input.policyArn ?? ""
                    _ = try IAMLookup.attachablePolicy(arn, call.accountId, db)
                    let existing = IAMPolicyAttachment.on(principal.id)
                    if try existing.filter(Column("policyArn") == arn).fetchCount(db) > 0 { return }
                    let quota = kind.attachedPolicyQuota
                    if try existing.fetchCount(db) >= quota.limit {
                        throw IAMError.limitExceeded("Cannot exceed quota for \(quota.name): \(quota.limit)")
                    }
                    try IAMPolicyAttachment(accountId: call.accountId, principalId: principal.id, principalKind: kind,
                                            policyArn: arn, attachedAt: call.now).insert(db)
                }
                return Empty()
            }

            operations.on("Detach\(kind.noun)Policy") { (input: PrincipalPolicyRequest, call) -> Empty in
                try await store.write { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    let arn = input.policyArn ?? ""
                    let deleted = try IAMPolicyAttachment.on(principal.id).filter(Column("policyArn") == arn).deleteAll(db)
                    if deleted == 0 { throw IAMError.noSuchPolicy(arn) }
                }
                return Empty()
            }

            operations.on("ListAttached\(kind.noun)Policies") { (input: PrincipalPolicyRequest, call) -> ListAttachedPoliciesResponse in
                let attached = try await store.read { db in
                    let principal = try kind.lookup(input.principalName, call.accountId, db)
                    return try IAMPolicyAttachment.on(principal.id).fetchAll(db).map { attachment in
                        try IAMLookup.attachablePolicy(attachment.policyArn, call.accountId, db)
                    }
                }
                .filter { Self.policyPath(of: $0.policyArn).hasPrefix(input.pathPrefix ?? "/") }
                .sorted { $0.policyName.lowercased() < $1.policyName.lowercased() }
                let page = try Self.page(attached, input.marker, input.maxItems) { $0.policyName }
                return ListAttachedPoliciesResponse(attachedPolicies: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
            }
        }
    }

    /// The path part of a policy ARN: `arn:aws:iam::aws:policy/service-role/X` → `/service-role/`.
    static func policyPath(of arn: String) -> String {
        guard let range = arn.range(of: ":policy/") else { return "/" }
        let rest = arn[range.upperBound...]
        guard let lastSlash = rest.lastIndex(of: "/") else { return "/" }
        return "/" + rest[..<lastSlash] + "/"
    }
}
