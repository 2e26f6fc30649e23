import Policy
import Testing

struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let kind: PolicyKind
    let message: String
    var testDescription: String { name }
}

/// A statement that is valid in an identity policy, for wrapping one broken field at a time.
private func identityDoc(_ statement: String) -> String {
    #"{"Version":"2012-10-17","Statement":[\#(statement)]}"#
}

private func trustDoc(_ statement: String) -> String {
    #"{"Version":"2012-10-17","Statement":[\#(statement)]}"#
}

private let syntax = "Syntax errors in policy."
private let vendor = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."

@Suite("Malformed documents")
struct MalformedDocumentTests {
    static let cases: [MalformedCase] = [
        // Document level
        .init(name: "not JSON", json: "not json", kind: .identity, message: syntax),
        .init(name: "empty text", json: "", kind: .identity, message: syntax),
        .init(name: "truncated JSON", json: #"{"Statement":[{"Effect":"Allow""#, kind: .identity, message: syntax),
        .init(name: "trailing garbage", json: #"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x"#, kind: .identity, message: syntax),
        .init(name: "root is an array", json: "[]", kind: .identity, message: syntax),
        .init(name: "trailing comma", json: #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},]}"#, kind: .identity, message: syntax),
        .init(name: "unknown top-level field", json: #"{"Version":"2012-10-17","Statements":[]}"#, kind: .identity, message: "Unknown field Statements"),
        .init(name: "bad version", json: #"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, kind: .identity, message: "The policy must contain a valid version string"),
        .init(name: "version not a string", json: #"{"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, kind: .identity, message: syntax),
        .init(name: "Id not a string", json: #"{"Id":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, kind: .identity, message: syntax),
        .init(name: "missing Statement", json: #"{"Version":"2012-10-17"}"#, kind: .identity, message: "Missing required field Statement"),
        .init(name: "empty Statement array", json: #"{"Version":"2012-10-17","Statement":[]}"#, kind: .identity, message: "Could not parse the policy: Statement is empty!"),
        .init(name: "Statement is a string", json: #"{"Version":"2012-10-17","Statement":"Allow"}"#, kind: .identity, message: syntax),
        .init(name: "statement element not an object", json: identityDoc(#""Allow""#), kind: .identity, message: syntax),

        // Statement fields
        .init(name: "unknown statement field", json: identityDoc(#"{"Effect":"Allow","Actions":"*","Resource":"*"}"#), kind: .identity, message: "Unknown field Actions"),
        .init(name: "missing Effect", json: identityDoc(#"{"Action":"*","Resource":"*"}"#), kind: .identity, message: "Missing required field Effect"),
        .init(name: "unknown Effect", json: identityDoc(#"{"Effect":"Permit","Action":"*","Resource":"*"}"#), kind: .identity, message: "Invalid effect: Permit"),
        .init(name: "Effect in wrong case", json: identityDoc(#"{"Effect":"allow","Action":"*","Resource":"*"}"#), kind: .identity, message: "Invalid effect: allow"),
        .init(name: "Effect not a string", json: identityDoc(#"{"Effect":true,"Action":"*","Resource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "Sid not a string", json: identityDoc(#"{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "Sid not alphanumeric", json: identityDoc(#"{"Sid":"allow all","Effect":"Allow","Action":"*","Resource":"*"}"#), kind: .identity, message: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"),
        .init(name: "duplicate Sid", json: identityDoc(#"{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}"#), kind: .identity, message: "Statement IDs (SID) in a single policy must be unique."),

        // Action
        .init(name: "Action and NotAction", json: identityDoc(#"{"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "no Action", json: identityDoc(#"{"Effect":"Allow","Resource":"*"}"#), kind: .identity, message: "Policy statement must contain actions."),
        .init(name: "empty Action array", json: identityDoc(#"{"Effect":"Allow","Action":[],"Resource":"*"}"#), kind: .identity, message: "Policy statement must contain actions."),
        .init(name: "Action element not a string", json: identityDoc(#"{"Effect":"Allow","Action":["sts:AssumeRole",1],"Resource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "Action is an object", json: identityDoc(#"{"Effect":"Allow","Action":{"a":"b"},"Resource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "Action without vendor", json: identityDoc(#"{"Effect":"Allow","Action":"AssumeRole","Resource":"*"}"#), kind: .identity, message: vendor),
        .init(name: "Action with empty vendor", json: identityDoc(#"{"Effect":"Allow","Action":":AssumeRole","Resource":"*"}"#), kind: .identity, message: vendor),
        .init(name: "NotAction without vendor", json: identityDoc(#"{"Effect":"Allow","NotAction":"Get*","Resource":"*"}"#), kind: .identity, message: vendor),
        .init(name: "Action with two colons", json: identityDoc(#"{"Effect":"Allow","Action":"sts:Assume:Role","Resource":"*"}"#), kind: .identity, message: "Actions/Condition can contain only one colon."),
        .init(name: "Action with invalid vendor", json: identityDoc(#"{"Effect":"Allow","Action":"st s:AssumeRole","Resource":"*"}"#), kind: .identity, message: "Vendor st s is not valid"),

        // Resource
        .init(name: "identity without Resource", json: identityDoc(#"{"Effect":"Allow","Action":"*"}"#), kind: .identity, message: "Policy statement must contain resources."),
        .init(name: "empty Resource array", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":[]}"#), kind: .identity, message: "Policy statement must contain resources."),
        .init(name: "Resource and NotResource", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}"#), kind: .identity, message: syntax),
        .init(name: "Resource not an ARN", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"my-bucket"}"#), kind: .identity, message: #"Resource my-bucket must be in ARN format or "*"."#),
        .init(name: "NotResource not an ARN", json: identityDoc(#"{"Effect":"Allow","Action":"*","NotResource":["*","bucket"]}"#), kind: .identity, message: #"Resource bucket must be in ARN format or "*"."#),
        .init(name: "Resource with wildcard vendor", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:*:us-east-1:123456789012:thing"}"#), kind: .identity, message: "Resource vendor must be fully qualified and cannot contain regexes."),
        .init(name: "Resource without vendor", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"arn:aws"}"#), kind: .identity, message: "Resource vendor must be fully qualified and cannot contain regexes."),

        // Principal
        .init(name: "identity with Principal", json: identityDoc(#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#), kind: .identity, message: "Policy document should not specify a principal."),
        .init(name: "identity with NotPrincipal", json: identityDoc(#"{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}"#), kind: .identity, message: "Policy document should not specify a principal."),
        .init(name: "resource policy without Principal", json: trustDoc(#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#), kind: .resource, message: "Missing required field Principal"),
        .init(name: "Principal and NotPrincipal", json: trustDoc(#"{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"sts:AssumeRole"}"#), kind: .resource, message: syntax),
        .init(name: "AWS principal not an account or ARN", json: trustDoc(#"{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "AWS":"alice""#),
        .init(name: "AWS principal with partial wildcard", json: trustDoc(#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*""#),
        .init(name: "AWS principal with short account", json: trustDoc(#"{"Effect":"Allow","Principal":{"AWS":["123456789012","12345"]},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "AWS":"12345""#),
        .init(name: "AWS principal naming a non-IAM ARN", json: trustDoc(#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:s3:::bucket"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "AWS":"arn:aws:s3:::bucket""#),
        .init(name: "Service principal malformed", json: trustDoc(#"{"Effect":"Allow","Principal":{"Service":"not a service"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "SERVICE":"not a service""#),
        .init(name: "Service principal wildcard", json: trustDoc(#"{"Effect":"Allow","Principal":{"Service":"*.amazonaws.com"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "SERVICE":"*.amazonaws.com""#),
        .init(name: "unknown principal type", json: trustDoc(#"{"Effect":"Allow","Principal":{"User":"alice"},"Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "User""#),
        .init(name: "Principal string other than *", json: trustDoc(#"{"Effect":"Allow","Principal":"alice","Action":"sts:AssumeRole"}"#), kind: .resource, message: #"Invalid principal in policy: "alice""#),
        .init(name: "empty Principal object", json: trustDoc(#"{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}"#), kind: .resource, message: syntax),
        .init(name: "Principal member empty array", json: trustDoc(#"{"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"}"#), kind: .resource, message: syntax),
        .init(name: "Principal is an array", json: trustDoc(#"{"Effect":"Allow","Principal":["*"],"Action":"sts:AssumeRole"}"#), kind: .resource, message: syntax),

        // Condition
        .init(name: "unknown condition operator", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}"#), kind: .identity, message: syntax),
        .init(name: "NullIfExists is not an operator", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}"#), kind: .identity, message: syntax),
        .init(name: "unknown set qualifier", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}}"#), kind: .identity, message: syntax),
        .init(name: "Condition not an object", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":"StringEquals"}"#), kind: .identity, message: syntax),
        .init(name: "operator block not an object", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":["a"]}}"#), kind: .identity, message: syntax),
        .init(name: "condition value is an object", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":{"a":"b"}}}}"#), kind: .identity, message: syntax),
        .init(name: "condition value is null", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}"#), kind: .identity, message: syntax),
        .init(name: "condition key without vendor", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"alice"}}}"#), kind: .identity, message: vendor),
        .init(name: "invalid date value", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"next tuesday"}}}"#), kind: .identity, message: "The policy failed legacy parsing"),
        .init(name: "impossible calendar date", json: identityDoc(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2023-02-29T00:00:00Z"}}}"#), kind: .identity, message: "The policy failed legacy parsing"),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: MalformedCase) {
        #expect(malformedMessage(testCase.json, kind: testCase.kind) == testCase.message)
    }
}

struct TrustCase: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let message: String?
    var testDescription: String { name }
}

@Suite("Role trust policy rules")
struct RoleTrustPolicyTests {
    static let cases: [TrustCase] = [
        .init(name: "RDS trust policy is valid",
              json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#,
              message: nil),
        .init(name: "account trust with ExternalId is valid",
              json: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"x"}}}}"#,
              message: nil),
        .init(name: "invalid JSON", json: "{", message: "This policy contains invalid Json"),
        .init(name: "Resource is prohibited",
              json: #"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
              message: "Has prohibited field Resource"),
        .init(name: "malformed Resource is still reported as prohibited",
              json: #"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"bucket"}]}"#,
              message: "Has prohibited field Resource"),
        .init(name: "NotResource is prohibited",
              json: #"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","NotResource":"*"}]}"#,
              message: "Has prohibited field NotResource"),
        .init(name: "non-STS action",
              json: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject"}]}"#,
              message: "AssumeRole policy may only specify STS AssumeRole actions."),
        .init(name: "bare * action",
              json: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"*"}]}"#,
              message: "AssumeRole policy may only specify STS AssumeRole actions."),
        .init(name: "Allow with NotPrincipal",
              json: #"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}"#,
              message: "Allow with NotPrincipal is not allowed."),
        .init(name: "Deny with NotPrincipal",
              json: #"{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}"#,
              message: "AssumeRole policy must not contain NotPrincipal field."),
        .init(name: "missing Principal still reported",
              json: #"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
              message: "Missing required field Principal"),
    ]

    @Test(arguments: cases)
    func validates(_ testCase: TrustCase) {
        var message: String? = nil
        do {
            let document = try PolicyDocument.roleTrustPolicy(json: testCase.json)
            #expect(document.kind == .resource)
        } catch {
            message = error.message
        }
        #expect(message == testCase.message)
    }
}

@Suite("Well-formed documents")
struct WellFormedDocumentTests {
    @Test func rdsTrustPolicyShape() throws {
        let json = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#
        let document = try PolicyDocument(json: json, kind: .resource)
        #expect(document.version == "2012-10-17")
        #expect(document.statements.count == 1)
        let statement = try #require(document.statements.first)
        #expect(statement.effect == .allow)
        #expect(statement.action == .only(["sts:AssumeRole"]))
        #expect(statement.resource == nil)
        #expect(statement.principal == .only(PrincipalSet(service: ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"])))
        #expect(statement.conditions.isEmpty)
    }

    @Test func singleStatementObjectAndOptionalFields() throws {
        let json = #"""
        {"Id":"doc-1","Statement":{"Sid":"ReadOnly","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::bucket/*",
         "Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false},"StringEquals":{"aws:username":["a","b"]}}}}
        """#
        let document = try PolicyDocument(json: json, kind: .identity)
        #expect(document.version == nil)
        #expect(document.id == "doc-1")
        let statement = try #require(document.statements.first)
        #expect(statement.sid == "ReadOnly")
        #expect(statement.effect == .deny)
        #expect(statement.action == .allExcept(["iam:*", "sts:*"]))
        #expect(statement.resource == .allExcept(["arn:aws:s3:::bucket/*"]))
        #expect(statement.principal == nil)
        #expect(statement.conditions.map(\.operator) == ["NumericLessThan", "Bool", "StringEquals"])
        #expect(statement.conditions.map(\.values) == [["10"], ["false"], ["a", "b"]])
    }

    @Test func version2008IsAccepted() throws {
        let document = try identityPolicy(#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, version: "2008-10-17")
        #expect(document.version == "2008-10-17")
    }

    @Test func notPrincipalIsParsed() throws {
        let document = try resourcePolicy(#"{"Effect":"Deny","NotPrincipal":{"AWS":["123456789012","arn:aws:sts::123456789012:assumed-role/app/session"]},"Action":"sts:AssumeRole"}"#)
        #expect(document.statements[0].principal == .allExcept(PrincipalSet(aws: ["123456789012", "arn:aws:sts::123456789012:assumed-role/app/session"])))
    }

    @Test func anyonePrincipalIsParsed() throws {
        let document = try resourcePolicy(#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#)
        #expect(document.statements[0].principal == .only(PrincipalSet(anyone: true)))
    }

    @Test func jsonEscapesAreDecoded() throws {
        let document = try identityPolicy(#"{"Sid":"\u0041b","Effect":"Allow","Action":"sts:Assume\u0052ole","Resource":"arn:aws:s3:::b\/\u00e9\ud83d\ude00"}"#)
        #expect(document.statements[0].sid == "Ab")
        #expect(document.statements[0].action == .only(["sts:AssumeRole"]))
        #expect(document.statements[0].resource == .only(["arn:aws:s3:::b/é😀"]))
    }

    @Test func deeplyNestedInputIsRejectedNotCrashing() {
        let json = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(malformedMessage(json, kind: .identity) == "Syntax errors in policy.")
    }
}
