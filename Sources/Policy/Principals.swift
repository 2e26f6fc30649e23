// The Principal / NotPrincipal element: validation and matching.

/// A `Principal` (or `NotPrincipal`) element as written.
public struct PrincipalSet: Sendable, Equatable {
    /// `"Principal": "*"` — everyone, including service principals.
    public let anyone: Bool
    /// `AWS` values: `"*"`, 12-digit account ids, or IAM/STS ARNs.
    public let aws: [String]
    /// `Service` values, e.g. `rds.amazonaws.com`.
    public let service: [String]
    /// `Federated` values: a SAML/OIDC provider ARN or a web identity provider name.
    public let federated: [String]
    /// `CanonicalUser` values (accepted, never matched: this emulator has no S3 canonical users).
    public let canonicalUser: [String]

    public init(anyone: Bool = false, aws: [String] = [], service: [String] = [], federated: [String] = [],
                canonicalUser: [String] = []) {
        self.anyone = anyone
        self.aws = aws
        self.service = service
        self.federated = federated
        self.canonicalUser = canonicalUser
    }
}

/// How a resource-based policy statement's `Principal` matched the caller.
///
/// AWS treats these differently for role trust policies: when the trust policy names the caller's
/// own ARN (or, for services and federated providers, the exact service or provider), that grant
/// alone is enough; when it only names the caller's account (`"AWS": "123456789012"` or
/// `"AWS": "arn:aws:iam::123456789012:root"`) or everyone (`"*"`), the caller's identity-based
/// policies must *also* allow the action. See `PolicyEvaluator.authorizeAssumeRole`.
///
/// Cases are ordered from most to least specific; when several statements allow, the most specific
/// match is reported.
public enum ResourcePolicyMatch: Sendable, Equatable, Comparable {
    /// The statement named this principal itself: its user or role ARN (compared exactly), or its
    /// exact service / federated provider name.
    case principalSpecifically
    /// The statement named the principal's account (`"123456789012"` or `arn:aws:iam::…:root`).
    case accountOnly
    /// The statement matched through `"*"`, `{"AWS": "*"}`, or a `NotPrincipal` that does not
    /// list the caller.
    case wildcard
}

/// A principal element compiled for matching.
struct CompiledPrincipals: Sendable {
    var anyone = false
    var anyAWS = false
    var accounts: [String] = []
    var arns: [String] = []
    var services: [String] = []
    var federated: [String] = []

    init(_ set: PrincipalSet) {
        anyone = set.anyone
        for value in set.aws {
            if value == "*" {
                anyAWS = true
            } else if let account = accountOf(principalValue: value) {
                accounts.append(account)
            } else {
                arns.append(value)
            }
        }
        services = set.service
        federated = set.federated
    }

    /// How (or whether) `principal` is named here.
    func match(_ principal: Principal) -> ResourcePolicyMatch? {
        switch principal {
        case .aws(let arn, let account):
            if arns.contains(arn) { return .principalSpecifically }
            if accounts.contains(account) { return .accountOnly }
            if anyone || anyAWS { return .wildcard }
            return nil
        case .service(let name):
            if services.contains(name) { return .principalSpecifically }
            return anyone ? .wildcard : nil
        case .federated(let name):
            if federated.contains(name) { return .principalSpecifically }
            return anyone ? .wildcard : nil
        }
    }
}

/// The account an `AWS` principal value stands for when it names a whole account: a 12-digit id or
/// `arn:PARTITION:iam::ACCOUNT:root`. Nil for user, role and session ARNs.
func accountOf(principalValue value: String) -> String? {
    if isAccountID(value) { return value }
    let parts = splitArn(value)
    if parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty, parts[5] == "root",
       isAccountID(parts[4]) {
        return String(parts[4])
    }
    return nil
}

func isAccountID<S: StringProtocol>(_ text: S) -> Bool {
    text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
}

enum PrincipalParser {
    /// Parses a `Principal`/`NotPrincipal` value. `"*"` or an object with `AWS`, `Service`,
    /// `Federated` and `CanonicalUser` members, each a string or an array of strings.
    static func parse(_ json: JSONValue) throws(MalformedPolicy) -> PrincipalSet {
        switch json {
        case .string("*"):
            return PrincipalSet(anyone: true)
        case .string(let other):
            throw MalformedPolicy("Invalid principal in policy: \"\(other)\"")
        case .object(let members):
            guard !members.isEmpty else { throw MalformedPolicy.syntax }
            var aws: [String] = [], service: [String] = [], federated: [String] = [], canonical: [String] = []
            for (key, value) in members {
                let values = try stringList(value)
                guard !values.isEmpty else { throw MalformedPolicy.syntax }
                switch key {
                case "AWS":
                    for entry in values where !isValidAWSPrincipal(entry) {
                        throw MalformedPolicy("Invalid principal in policy: \"AWS\":\"\(entry)\"")
                    }
                    aws += values
                case "Service":
                    for entry in values where !isValidServicePrincipal(entry) {
                        throw MalformedPolicy("Invalid principal in policy: \"SERVICE\":\"\(entry)\"")
                    }
                    service += values
                case "Federated":
                    for entry in values where entry.isEmpty || entry.contains("*") || entry.contains("?") {
                        throw MalformedPolicy("Invalid principal in policy: \"FEDERATED\":\"\(entry)\"")
                    }
                    federated += values
                case "CanonicalUser":
                    for entry in values where entry.isEmpty || entry.contains("*") {
                        throw MalformedPolicy("Invalid principal in policy: \"CANONICAL_USER\":\"\(entry)\"")
                    }
                    canonical += values
                default:
                    throw MalformedPolicy("Invalid principal in policy: \"\(key)\"")
                }
            }
            return PrincipalSet(aws: aws, service: service, federated: federated, canonicalUser: canonical)
        default:
            throw MalformedPolicy.syntax
        }
    }

    /// `*`, a 12-digit account id, or an IAM/STS ARN without wildcards:
    /// `arn:aws:iam::ACCOUNT:root|user/…|role/…|federated-user/…`,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION|federated-user/NAME`.
    static func isValidAWSPrincipal(_ value: String) -> Bool {
        if value == "*" || isAccountID(value) { return true }
        if value.contains("*") || value.contains("?") { return false }
        let parts = splitArn(value)
        guard parts.count == 6, parts[0] == "arn", isPartition(parts[1]), parts[3].isEmpty,
              isAccountID(parts[4]) else { return false }
        let resource = parts[5]
        switch parts[2] {
        case "iam":
            if resource == "root" { return true }
            for prefix in ["user/", "role/", "federated-user/"] where resource.hasPrefix(prefix) {
                return resource.count > prefix.count && !resource.hasSuffix("/")
            }
            return false
        case "sts":
            if resource.hasPrefix("assumed-role/") {
                let rest = resource.dropFirst("assumed-role/".count).split(separator: "/", omittingEmptySubsequences: false)
                return rest.count >= 2 && rest.allSatisfy { !$0.isEmpty }
            }
            if resource.hasPrefix("federated-user/") {
                return resource.count > "federated-user/".count
            }
            return false
        default:
            return false
        }
    }

    /// A service principal: dot-separated labels of letters, digits and hyphens, e.g.
    /// `rds.amazonaws.com` or `directoryservice.rds.amazonaws.com`. Wildcards are not allowed.
    static func isValidServicePrincipal(_ value: String) -> Bool {
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) ||
                    (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ||
                    (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
        }
    }

    static func isPartition<S: StringProtocol>(_ text: S) -> Bool {
        text == "aws" || (text.hasPrefix("aws-") && text.count > 4 &&
            text.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "-") })
    }
}

/// A string or an array of strings, as `Action`, `Resource` and principal members allow.
func stringList(_ json: JSONValue) throws(MalformedPolicy) -> [String] {
    switch json {
    case .string(let string):
        return [string]
    case .array(let elements):
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else { throw MalformedPolicy.syntax }
            strings.append(string)
        }
        return strings
    default:
        throw MalformedPolicy.syntax
    }
}
