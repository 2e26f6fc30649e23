import AWSWire
import Foundation
import GRDB
import Policy
import State

struct ContextEntryShape: Decodable, Sendable {
    var contextKeyName: String?
    var contextKeyType: String?
    var contextKeyValues: [String]?
}

struct SimulatePolicyRequest: Decodable, Sendable {
    var policySourceArn: String?
    var policyInputList: [String]?
    var permissionsBoundaryPolicyInputList: [String]?
    var actionNames: [String]
    var resourceArns: [String]?
    var callerArn: String?
    var contextEntries: [ContextEntryShape]?
    var marker: String?
    var maxItems: Int?
}

struct EvaluationResultShape: Encodable, Sendable {
    var evalActionName: String
    var evalResourceName: String
    var evalDecision: String
}

struct SimulatePolicyResponse: Encodable, Sendable {
    var evaluationResults: [EvaluationResultShape]
    var isTruncated: Bool
    var marker: String?
}

extension IAMService {
    /// The IAM policy simulator, answered by the same evaluator that decides AssumeRole and
    /// `rds-db:connect`, so users can check a policy before they rely on it.
    mutating func registerSimulation() {
        let store = self.store
        operations.on("SimulateCustomPolicy") { (input: SimulatePolicyRequest, call) -> SimulatePolicyResponse in
            let documents = try (input.policyInputList ?? []).map(PolicyDocuments.identityPolicy)
            let boundary = try (input.permissionsBoundaryPolicyInputList ?? []).map(PolicyDocuments.identityPolicy)
            let policies = IdentityPolicies(documents: documents, limits: boundary.isEmpty ? [] : [boundary], isRoot: false)
            return try Self.simulate(policies, input)
        }

        operations.on("SimulatePrincipalPolicy") { (input: SimulatePolicyRequest, call) -> SimulatePolicyResponse in
            let source = input.policySourceArn ?? ""
            var policies = try await store.read { db in try Self.policies(ofArn: source, call.accountId, db) }
            policies.documents += try (input.policyInputList ?? []).map(PolicyDocuments.identityPolicy)
            return try Self.simulate(policies, input)
        }
    }

    static func policies(ofArn arn: String, _ accountId: String, _ db: Database) throws -> IdentityPolicies {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "iam", parts[4] == accountId,
              let slash = parts[5].firstIndex(of: "/")
        else { throw IAMError.invalidInput("Invalid ARN: \(arn)") }
        let kind = parts[5][..<slash]
        let name = String(parts[5].split(separator: "/").last ?? "")
        switch kind {
        case "user": return try IdentityPolicies.of(user: try IAMLookup.user(name, accountId, db), db)
        case "role": return try IdentityPolicies.of(role: try IAMLookup.role(name, accountId, db), db)
        case "group":
            let group = try IAMLookup.group(name, accountId, db)
            var documents = try IAMInlinePolicy.on(group.groupId).fetchAll(db).map { try PolicyDocuments.identityPolicy($0.document) }
            documents += try IAMPolicyAttachment.on(group.groupId).fetchAll(db).compactMap {
                try IdentityPolicies.managedDocument($0.policyArn, accountId, db)
            }
            return IdentityPolicies(documents: documents, limits: [], isRoot: false)
        default:
            throw IAMError.invalidInput("Invalid ARN: \(arn)")
        }
    }

    static func simulate(_ policies: IdentityPolicies, _ input: SimulatePolicyRequest) throws -> SimulatePolicyResponse {
        var context: [String: ContextValue] = [:]
        for entry in input.contextEntries ?? [] {
            guard let name = entry.contextKeyName, let values = entry.contextKeyValues else { continue }
            context[name] = contextValue(values, type: entry.contextKeyType ?? "string")
        }
        if let caller = input.callerArn { context["aws:PrincipalArn"] = .string(caller) }
        var results: [EvaluationResultShape] = []
        for action in input.actionNames {
            for resource in input.resourceArns ?? ["*"] {
                let decision = policies.decision(AuthorizationRequest(action: action, resource: resource, context: context))
                results.append(EvaluationResultShape(evalActionName: action, evalResourceName: resource, evalDecision: decisionName(decision)))
            }
        }
        let page = try page(inOrder: results, input.marker, input.maxItems)
        return SimulatePolicyResponse(evaluationResults: page.items, isTruncated: page.isTruncated, marker: page.nextMarker)
    }

    static func decisionName(_ decision: Decision) -> String {
        switch decision {
        case .allow: return "allowed"
        case .explicitDeny: return "explicitDeny"
        case .implicitDeny: return "implicitDeny"
        }
    }

    static func contextValue(_ values: [String], type: String) -> ContextValue {
        let isList = type.hasSuffix("List")
        switch type.replacingOccurrences(of: "List", with: "") {
        case "numeric" where !isList: return values.first.flatMap(Double.init).map(ContextValue.number) ?? .strings(values)
        case "boolean" where !isList: return .bool(values.first?.lowercased() == "true")
        case "date" where !isList: return values.first.flatMap(Timestamps.parse).map(ContextValue.date) ?? .strings(values)
        default: return isList || values.count != 1 ? .strings(values) : .string(values[0])
        }
    }
}
