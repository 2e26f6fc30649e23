import Foundation

/// Who is asking. Resource-based policies (role trust policies) match this against their
/// `Principal`/`NotPrincipal` elements; identity-based policies ignore it.
public enum Principal: Sendable, Hashable {
    /// An IAM identity. `arn` is the user ARN, the role ARN (for an assumed-role session use the
    /// *role* ARN, not the `sts` session ARN) or `arn:aws:iam::ACCOUNT:root`; `account` is the
    /// 12-digit account id the identity belongs to.
    case aws(arn: String, account: String)
    /// An AWS service principal, e.g. `rds.amazonaws.com`.
    case service(String)
    /// A federated identity provider, e.g. `cognito-identity.amazonaws.com` or a SAML/OIDC
    /// provider ARN.
    case federated(String)
}

/// A value in the request context that condition operators and policy variables read.
public enum ContextValue: Sendable, Hashable {
    /// A single string (most keys: `aws:username`, `aws:SourceIp`, `aws:PrincipalArn`, ...).
    case string(String)
    /// A multivalued key such as `aws:TagKeys`. Compare these with the `ForAnyValue:` and
    /// `ForAllValues:` set qualifiers: an operator without a qualifier never matches a list (as in
    /// AWS, which requires a set operator for multivalued keys). An empty list counts as an absent
    /// key. Lists cannot be used as policy variables.
    case strings([String])
    /// `aws:SecureTransport`, `aws:MultiFactorAuthPresent`, ...
    case bool(Bool)
    /// `aws:EpochTime`, `aws:MultiFactorAuthAge`, ...
    case number(Double)
    /// `aws:CurrentTime`, `aws:TokenIssueTime`, ...
    case date(Date)
}

/// One authorization question: may `principal` perform `action` on `resource`, given `context`?
public struct AuthorizationRequest: Sendable {
    /// The action, `service:Operation`, e.g. `sts:AssumeRole` or `rds-db:connect`. Matched
    /// case-insensitively.
    public var action: String
    /// The resource ARN. Matched case-sensitively.
    public var resource: String
    /// The caller; needed when evaluating resource-based policies.
    public var principal: Principal?
    /// Condition keys and their values. Keys are looked up case-insensitively, as IAM does
    /// (`aws:username`, `aws:PrincipalArn`, `aws:SourceIp`, `aws:PrincipalTag/team`, ...).
    public var context: [String: ContextValue]

    public init(action: String, resource: String, principal: Principal? = nil, context: [String: ContextValue] = [:]) {
        self.action = action
        self.resource = resource
        self.principal = principal
        self.context = context
    }
}

/// Case-insensitive view of a request context.
struct ContextLookup {
    let values: [String: ContextValue]

    /// The value for `key`, compared case-insensitively. An exact hit skips the scan.
    func value(for key: String) -> ContextValue? {
        if let exact = values[key] { return exact }
        for (candidate, value) in values where asciiCaseInsensitiveEquals(candidate, key) {
            return value
        }
        return nil
    }

    /// The value for `key`, or nil when absent or an empty list (IAM treats both as "not present").
    func presentValue(for key: String) -> ContextValue? {
        guard let value = value(for: key) else { return nil }
        if case .strings(let list) = value, list.isEmpty { return nil }
        return value
    }

    /// The text a policy variable `${key}` stands for, or nil when it cannot be resolved: the key
    /// is absent, or multivalued (IAM does not substitute multivalued keys).
    func variableText(for key: String) -> String? {
        guard let value = value(for: key) else { return nil }
        switch value {
        case .strings: return nil
        default: return value.scalarText
        }
    }
}

extension ContextValue {
    /// The textual form used by string operators and variable substitution (nil for lists).
    var scalarText: String? {
        switch self {
        case .string(let string): return string
        case .strings: return nil
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return formatNumber(number)
        case .date(let date): return formatISO8601(date.timeIntervalSince1970)
        }
    }
}

/// ASCII case-insensitive equality without allocating; non-ASCII bytes must match exactly.
func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    var lhs = lhs, rhs = rhs
    return lhs.withUTF8 { a in
        rhs.withUTF8 { b in
            guard a.count == b.count else { return false }
            for index in 0..<a.count where asciiLower(a[index]) != asciiLower(b[index]) {
                return false
            }
            return true
        }
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}

/// Formats a number the way it would be written in a policy: integers without a fraction.
func formatNumber(_ number: Double) -> String {
    if number.rounded() == number, abs(number) < 1e15 {
        return String(Int64(number))
    }
    return String(number)
}
