import Foundation
import Policy
import Testing

/// Builds an identity policy (`Version 2012-10-17`) from statement JSON objects.
func identityPolicy(_ statements: String..., version: String? = "2012-10-17") throws -> PolicyDocument {
    let versionMember = version.map { #""Version":"\#($0)","# } ?? ""
    return try PolicyDocument(json: #"{\#(versionMember)"Statement":[\#(statements.joined(separator: ","))]}"#, kind: .identity)
}

/// Builds a resource-based policy from statement JSON objects.
func resourcePolicy(_ statements: String...) throws -> PolicyDocument {
    try PolicyDocument(json: #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#, kind: .resource)
}

/// Parses `json` and returns the error message, or nil when it parsed.
func malformedMessage(_ json: String, kind: PolicyKind) -> String? {
    do {
        _ = try PolicyDocument(json: json, kind: kind)
        return nil
    } catch {
        return error.message
    }
}

func date(_ iso: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: iso)!
}

let account = "123456789012"
let otherAccount = "111122223333"
let aliceArn = "arn:aws:iam::123456789012:user/alice"
let bobArn = "arn:aws:iam::123456789012:user/bob"
let appRoleArn = "arn:aws:iam::123456789012:role/app"
let alice = Principal.aws(arn: aliceArn, account: account)
let bob = Principal.aws(arn: bobArn, account: account)
