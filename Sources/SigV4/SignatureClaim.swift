import AWSWire
import Foundation

/// What a request says about its signature: who signed, for which scope, which headers, and the
/// signature itself. Parsed from the `Authorization` header or from a presigned URL's query.
public struct SignatureClaim: Sendable {
    public enum Placement: Sendable {
        case header
        case query
    }

    public let placement: Placement
    public let accessKeyID: String
    public let scope: CredentialScope
    public let signedHeaders: [String]
    public let signature: String
    /// `X-Amz-Date` as sent (`20240501T120000Z`), which is what the string to sign contains.
    public let amzDate: String
    public let requestDate: Date
    /// Seconds a presigned URL stays valid (`X-Amz-Expires`).
    public let expiresIn: Int?
    public let securityToken: String?
}

public enum SignatureClaimError: Error, Sendable, Equatable {
    /// Neither an Authorization header nor presigned parameters.
    case missing
    /// Present but unusable; the text says what is wrong, as AWS's `IncompleteSignature` does.
    case incomplete(String)
}

public enum SignatureClaimParser {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// `header` looks a lower-cased header name up; `queryItems` are the decoded query parameters.
    public static func parse(header: (String) -> String?, queryItems: [(String, String)]) throws(SignatureClaimError) -> SignatureClaim {
        if let authorization = header("authorization") {
            return try parseHeader(authorization, header: header)
        }
        if queryItems.contains(where: { $0.0 == "X-Amz-Signature" || $0.0 == "X-Amz-Credential" }) {
            return try parseQuery(queryItems)
        }
        throw .missing
    }

    private static func parseHeader(_ authorization: String, header: (String) -> String?) throws(SignatureClaimError) -> SignatureClaim {
        let trimmed = authorization.trimmingSpaces()
        guard trimmed.hasPrefix(algorithm + " ") else {
            let scheme = trimmed.split(separator: " ").first.map(String.init) ?? ""
            throw .incomplete("Unsupported authorization type \(scheme); use \(algorithm)")
        }
        var fields: [String: String] = [:]
        for part in trimmed.dropFirst(algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingSpaces().split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        for required in ["Credential", "SignedHeaders", "Signature"] where fields[required] == nil {
            throw .incomplete("Authorization header requires '\(required)' parameter. Authorization=\(trimmed.prefix(64))")
        }
        guard let amzDate = header("x-amz-date") ?? header("date") else {
            throw .incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        let (accessKeyID, scope) = try credentialParts(fields["Credential"]!)
        return SignatureClaim(
            placement: .header,
            accessKeyID: accessKeyID,
            scope: scope,
            signedHeaders: fields["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() },
            signature: fields["Signature"]!,
            amzDate: amzDate,
            requestDate: try parseDate(amzDate),
            expiresIn: nil,
            securityToken: header("x-amz-security-token")
        )
    }

    private static func parseQuery(_ items: [(String, String)]) throws(SignatureClaimError) -> SignatureClaim {
        func value(_ name: String) -> String? { items.first { $0.0 == name }?.1 }
        guard value("X-Amz-Algorithm") == algorithm else {
            throw .incomplete("X-Amz-Algorithm must be \(algorithm)")
        }
        for required in ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] where value(required) == nil {
            throw .incomplete("AWS query-string parameters must include '\(required)'. Re-examine the query-string parameters.")
        }
        let (accessKeyID, scope) = try credentialParts(value("X-Amz-Credential")!)
        let expires = value("X-Amz-Expires")
        if let expires, Int(expires) == nil { throw .incomplete("X-Amz-Expires must be a number of seconds") }
        return SignatureClaim(
            placement: .query,
            accessKeyID: accessKeyID,
            scope: scope,
            signedHeaders: value("X-Amz-SignedHeaders")!.split(separator: ";").map { $0.lowercased() },
            signature: value("X-Amz-Signature")!,
            amzDate: value("X-Amz-Date")!,
            requestDate: try parseDate(value("X-Amz-Date")!),
            expiresIn: expires.flatMap { Int($0) },
            securityToken: value("X-Amz-Security-Token")
        )
    }

    private static func credentialParts(_ credential: String) throws(SignatureClaimError) -> (String, CredentialScope) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[4] == "aws4_request", parts[1].count == 8 else {
            throw .incomplete("Credential should be scoped to a valid region, and be of the form <key>/<date>/<region>/<service>/aws4_request. Credential=\(credential)")
        }
        return (parts[0], CredentialScope(date: parts[1], region: parts[2], service: parts[3]))
    }

    private static func parseDate(_ text: String) throws(SignatureClaimError) -> Date {
        guard let date = AmzDate.parse(text) else {
            throw .incomplete("Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z'); got \(text)")
        }
        return date
    }
}
