import AWSWire
import Policy

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
