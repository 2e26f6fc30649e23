import AWSWire
import GRDB
import Policy
import State

/// Policy documents as IAM accepts them: parsed by the one policy language, with IAM's limits.
enum PolicyDocuments {
    static let managedPolicySizeLimit = 6144
    static let trustPolicySizeLimit = 2048

    static func identityPolicy(_ json: String) throws -> PolicyDocument {
        do {
            return try PolicyDocument(json: json, kind: .identity)
        } catch {
            throw IAMError.malformedPolicyDocument(error.message)
        }
    }

    static func managedPolicy(_ json: String) throws -> PolicyDocument {
        if PolicyText.significantLength(json) > managedPolicySizeLimit {
            throw IAMError.limitExceeded("Cannot exceed quota for PolicySize: \(managedPolicySizeLimit)")
        }
        return try identityPolicy(json)
    }

    /// IAM refuses a trust policy naming a user or role that does not exist (at that ARN, path
    /// included); account ids, account roots, sessions and services need no lookup.
    static func checkPrincipalsExist(_ policy: PolicyDocument, _ db: Database) throws {
        for statement in policy.statements {
            guard case .only(let principals)? = statement.principal else { continue }
            for arn in principals.aws {
                if try !principalExists(arn, db) {
                    throw IAMError.malformedPolicyDocument("Invalid principal in policy: \"AWS\":\"\(arn)\"")
                }
            }
        }
    }

    private static func principalExists(_ arn: String, _ db: Database) throws -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[2] == "iam", let slash = parts[5].firstIndex(of: "/") else { return true }
        let accountId = String(parts[4])
        let name = String(parts[5].split(separator: "/").last ?? "")
        switch parts[5][..<slash] {
        case "user": return try IAMUser.named(name, in: accountId).fetchOne(db)?.arn == arn
        case "role": return try IAMRole.named(name, in: accountId).fetchOne(db)?.arn == arn
        default: return true
        }
    }

    static func trustPolicy(_ json: String) throws -> PolicyDocument {
        if PolicyText.significantLength(json) > trustPolicySizeLimit {
            throw IAMError.limitExceeded("Cannot exceed quota for ACLSizePerRole: \(trustPolicySizeLimit)")
        }
        do {
            return try PolicyDocument.roleTrustPolicy(json: json)
        } catch {
            throw IAMError.malformedPolicyDocument(error.message)
        }
    }
}
