// Policy documents: parsing, validation and the compiled form the evaluator uses.

/// Which grammar a document follows.
public enum PolicyKind: Sendable {
    /// Attached to a user, group or role. `Principal`/`NotPrincipal` are not allowed and every
    /// statement needs `Resource` or `NotResource`.
    case identity
    /// Attached to a resource, e.g. a role trust policy. Every statement needs `Principal` or
    /// `NotPrincipal`; `Resource` may be omitted (the statement then covers any resource).
    case resource
}

/// The reason a document was rejected. `message` is the text AWS puts in its
/// `MalformedPolicyDocument` error.
public struct MalformedPolicy: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static let syntax = MalformedPolicy("Syntax errors in policy.")
    static let vendor = MalformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
}

/// One statement of a policy document, as written. Matching uses a compiled form built at parse time.
public struct Statement: Sendable {
    public enum Effect: String, Sendable, Equatable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// `Action`/`Resource` values (`.only`) or `NotAction`/`NotResource` values (`.allExcept`).
    public enum ValueList: Sendable, Equatable {
        case only([String])
        case allExcept([String])
    }

    /// `Principal` (`.only`) or `NotPrincipal` (`.allExcept`).
    public enum PrincipalElement: Sendable, Equatable {
        case only(PrincipalSet)
        case allExcept(PrincipalSet)
    }

    /// One operator applied to one key, e.g. `StringEquals` on `aws:username` with its values.
    public struct Condition: Sendable, Equatable {
        /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
        public let `operator`: String
        public let key: String
        /// Values as text (JSON numbers and booleans are kept as written).
        public let values: [String]
    }

    public let sid: String?
    public let effect: Effect
    public let action: ValueList
    /// Nil only in resource-based policies that leave out `Resource`.
    public let resource: ValueList?
    /// Nil in identity-based policies.
    public let principal: PrincipalElement?
    public let conditions: [Condition]

    let compiled: CompiledStatement
}

/// A parsed and validated IAM policy document.
///
/// ```swift
/// let policy = try PolicyDocument(json: text, kind: .identity)
/// let decision = PolicyEvaluator.evaluate([policy], request)
/// ```
public struct PolicyDocument: Sendable {
    public let kind: PolicyKind
    /// `2012-10-17`, `2008-10-17`, or nil when absent. Policy variables (`${aws:username}`) are
    /// substituted only under `2012-10-17`; in older documents they are literal text, as in AWS.
    public let version: String?
    public let id: String?
    public let statements: [Statement]

    /// Parses and validates `json`.
    /// - Throws: `MalformedPolicy` with AWS's `MalformedPolicyDocument` message.
    public init(json: String, kind: PolicyKind) throws(MalformedPolicy) {
        let root: JSONValue
        do {
            root = try JSONReader.parse(json)
        } catch {
            throw MalformedPolicy.syntax
        }
        try self.init(root: root, kind: kind)
    }

    /// Parses a role trust policy (`AssumeRolePolicyDocument`) with the extra rules IAM applies to
    /// those: invalid JSON is reported as `This policy contains invalid Json`, `Resource` and
    /// `NotResource` are prohibited, `NotPrincipal` is not allowed, and every action must be an
    /// `sts:` action. The result has kind `.resource`.
    public static func roleTrustPolicy(json: String) throws(MalformedPolicy) -> PolicyDocument {
        let root: JSONValue
        do {
            root = try JSONReader.parse(json)
        } catch {
            throw MalformedPolicy("This policy contains invalid Json")
        }
        // Checked before general validation so a malformed Resource is still reported as prohibited.
        let rawStatements: [JSONValue]
        switch root["Statement"] {
        case .array(let elements)?: rawStatements = elements
        case let single?: rawStatements = [single]
        case nil: rawStatements = []
        }
        for statement in rawStatements {
            for field in ["Resource", "NotResource"] where statement[field] != nil {
                throw MalformedPolicy("Has prohibited field \(field)")
            }
        }
        let document = try PolicyDocument(root: root, kind: .resource)
        for statement in document.statements {
            if case .allExcept = statement.principal {
                throw MalformedPolicy(statement.effect == .allow
                    ? "Allow with NotPrincipal is not allowed."
                    : "AssumeRole policy must not contain NotPrincipal field.")
            }
            let actions: [String]
            switch statement.action {
            case .only(let values), .allExcept(let values): actions = values
            }
            for action in actions where !action.lowercased().hasPrefix("sts:") {
                throw MalformedPolicy("AssumeRole policy may only specify STS AssumeRole actions.")
            }
        }
        return document
    }

    private init(root: JSONValue, kind: PolicyKind) throws(MalformedPolicy) {
        guard case .object(let members) = root else { throw MalformedPolicy.syntax }
        for (key, _) in members where !["Version", "Id", "Statement"].contains(key) {
            throw MalformedPolicy("Unknown field \(key)")
        }

        var version: String? = nil
        if let value = root["Version"] {
            guard case .string(let text) = value else { throw MalformedPolicy.syntax }
            guard text == "2012-10-17" || text == "2008-10-17" else {
                throw MalformedPolicy("The policy must contain a valid version string")
            }
            version = text
        }
        var id: String? = nil
        if let value = root["Id"] {
            guard case .string(let text) = value else { throw MalformedPolicy.syntax }
            id = text
        }

        let rawStatements: [JSONValue]
        switch root["Statement"] {
        case nil: throw MalformedPolicy("Missing required field Statement")
        case .object?: rawStatements = [root["Statement"]!]
        case .array(let elements)?: rawStatements = elements
        default: throw MalformedPolicy.syntax
        }
        guard !rawStatements.isEmpty else { throw MalformedPolicy("Could not parse the policy: Statement is empty!") }

        let variables = version == "2012-10-17"
        var statements: [Statement] = []
        statements.reserveCapacity(rawStatements.count)
        var sids = Set<String>()
        for raw in rawStatements {
            let statement = try StatementParser.parse(raw, kind: kind, variables: variables)
            if let sid = statement.sid, !sid.isEmpty {
                guard sids.insert(sid).inserted else {
                    throw MalformedPolicy("Statement IDs (SID) in a single policy must be unique.")
                }
            }
            statements.append(statement)
        }

        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
    }
}

// MARK: - Statement parsing

enum StatementParser {
    private static let fields: Set<String> = [
        "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition",
    ]

    static func parse(_ json: JSONValue, kind: PolicyKind, variables: Bool) throws(MalformedPolicy) -> Statement {
        guard case .object(let members) = json else { throw MalformedPolicy.syntax }
        for (key, _) in members where !fields.contains(key) {
            throw MalformedPolicy("Unknown field \(key)")
        }

        // Sid
        var sid: String? = nil
        if let value = json["Sid"] {
            guard case .string(let text) = value else { throw MalformedPolicy.syntax }
            if kind == .identity, !text.utf8.allSatisfy({ isAlphanumeric($0) }) {
                throw MalformedPolicy(
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
            }
            sid = text
        }

        // Effect
        guard let effectValue = json["Effect"] else { throw MalformedPolicy("Missing required field Effect") }
        guard case .string(let effectText) = effectValue else { throw MalformedPolicy.syntax }
        guard let effect = Statement.Effect(rawValue: effectText) else {
            throw MalformedPolicy("Invalid effect: \(effectText)")
        }

        // Principal / NotPrincipal
        let principal: Statement.PrincipalElement?
        switch (json["Principal"], json["NotPrincipal"]) {
        case (.some, .some):
            throw MalformedPolicy.syntax
        case (let value?, nil):
            guard kind == .resource else { throw MalformedPolicy("Policy document should not specify a principal.") }
            principal = .only(try PrincipalParser.parse(value))
        case (nil, let value?):
            guard kind == .resource else { throw MalformedPolicy("Policy document should not specify a principal.") }
            principal = .allExcept(try PrincipalParser.parse(value))
        case (nil, nil):
            guard kind == .identity else { throw MalformedPolicy("Missing required field Principal") }
            principal = nil
        }

        // Action / NotAction
        let action: Statement.ValueList
        switch (json["Action"], json["NotAction"]) {
        case (.some, .some): throw MalformedPolicy.syntax
        case (let value?, nil): action = .only(try stringList(value))
        case (nil, let value?): action = .allExcept(try stringList(value))
        case (nil, nil): throw MalformedPolicy("Policy statement must contain actions.")
        }
        let actionValues: [String]
        switch action { case .only(let values), .allExcept(let values): actionValues = values }
        guard !actionValues.isEmpty else { throw MalformedPolicy("Policy statement must contain actions.") }

        // Resource / NotResource
        let resource: Statement.ValueList?
        switch (json["Resource"], json["NotResource"]) {
        case (.some, .some): throw MalformedPolicy.syntax
        case (let value?, nil): resource = .only(try stringList(value))
        case (nil, let value?): resource = .allExcept(try stringList(value))
        case (nil, nil):
            guard kind == .resource else { throw MalformedPolicy("Policy statement must contain resources.") }
            resource = nil
        }
        var resourceValues: [String] = []
        if let resource {
            switch resource { case .only(let values), .allExcept(let values): resourceValues = values }
            guard !resourceValues.isEmpty else { throw MalformedPolicy("Policy statement must contain resources.") }
            for value in resourceValues { try validateResource(value) }
        }
        for value in actionValues { try validateAction(value) }

        // Condition
        var conditions: [Statement.Condition] = []
        var compiledConditions: [CompiledCondition] = []
        if let block = json["Condition"] {
            guard case .object(let operators) = block else { throw MalformedPolicy.syntax }
            for (operatorName, entries) in operators {
                guard case .object(let keys) = entries else { throw MalformedPolicy.syntax }
                guard let parsed = ConditionParser.parseOperator(operatorName) else { throw MalformedPolicy.syntax }
                for (key, rawValues) in keys {
                    let values = try conditionValues(rawValues)
                    try validateConditionKey(key)
                    var compiledValues: [CompiledCondition.Value] = []
                    compiledValues.reserveCapacity(values.count)
                    for value in values {
                        guard let compiled = ConditionParser.compileValue(value, family: parsed.family, variables: variables) else {
                            throw MalformedPolicy("The policy failed legacy parsing")
                        }
                        compiledValues.append(compiled)
                    }
                    conditions.append(Statement.Condition(operator: operatorName, key: key, values: values))
                    compiledConditions.append(CompiledCondition(
                        key: key, family: parsed.family, negated: parsed.negated, ifExists: parsed.ifExists,
                        qualifier: parsed.qualifier, values: compiledValues))
                }
            }
        }

        let compiled = CompiledStatement(
            isAllow: effect == .allow,
            actions: actionValues.map { Glob(pattern: $0, ignoreCase: true) },
            notAction: { if case .allExcept = action { true } else { false } }(),
            resources: resource == nil ? nil : resourceValues.map { CompiledPattern($0, variables: variables) },
            notResource: { if case .allExcept? = resource { true } else { false } }(),
            principals: principal.map { element in
                switch element { case .only(let set), .allExcept(let set): CompiledPrincipals(set) }
            },
            notPrincipal: { if case .allExcept? = principal { true } else { false } }(),
            conditions: compiledConditions)

        return Statement(sid: sid, effect: effect, action: action, resource: resource, principal: principal,
                         conditions: conditions, compiled: compiled)
    }

    /// `*`, or `vendor:action` where the vendor is letters, digits, `-` and `.`.
    static func validateAction(_ action: String) throws(MalformedPolicy) {
        if action == "*" { return }
        let parts = action.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { throw MalformedPolicy.vendor }
        guard parts.count == 2 else { throw MalformedPolicy("Actions/Condition can contain only one colon.") }
        let vendor = parts[0]
        guard !vendor.isEmpty else { throw MalformedPolicy.vendor }
        let validVendor = vendor == "*" || vendor.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
        guard validVendor else { throw MalformedPolicy("Vendor \(vendor) is not valid") }
    }

    /// `*`, or an ARN whose service part is spelled out (wildcards are allowed elsewhere).
    static func validateResource(_ resource: String) throws(MalformedPolicy) {
        if resource == "*" { return }
        guard resource.hasPrefix("arn:") else {
            throw MalformedPolicy("Resource \(resource) must be in ARN format or \"*\".")
        }
        let parts = splitArn(resource)
        guard parts.count >= 3, !parts[2].isEmpty, !parts[2].contains("*"), !parts[2].contains("?") else {
            throw MalformedPolicy("Resource vendor must be fully qualified and cannot contain regexes.")
        }
    }

    /// Condition keys need a vendor prefix, e.g. `aws:username` or `sts:ExternalId`.
    static func validateConditionKey(_ key: String) throws(MalformedPolicy) {
        guard let colon = key.firstIndex(of: ":"), colon != key.startIndex, key.index(after: colon) != key.endIndex else {
            throw MalformedPolicy.vendor
        }
    }

    /// A condition value: a string, number or boolean, or an array of them.
    static func conditionValues(_ json: JSONValue) throws(MalformedPolicy) -> [String] {
        func scalar(_ value: JSONValue) throws(MalformedPolicy) -> String {
            switch value {
            case .string(let text): return text
            case .number(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            default: throw MalformedPolicy.syntax
            }
        }
        if case .array(let elements) = json {
            var values: [String] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try scalar(element)) }
            return values
        }
        return [try scalar(json)]
    }
}

@inline(__always)
func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
}

// MARK: - Compiled statement

struct CompiledStatement: Sendable {
    let isAllow: Bool
    let actions: [Glob]
    let notAction: Bool
    /// Nil when the statement has no `Resource`/`NotResource` (resource-based policies only).
    let resources: [CompiledPattern]?
    let notResource: Bool
    let principals: CompiledPrincipals?
    let notPrincipal: Bool
    let conditions: [CompiledCondition]

    /// Whether the statement applies to the request. For statements with a principal element the
    /// result says how the principal matched; `.applies(nil)` means there was no principal element.
    enum Applicability { case doesNotApply, applies(ResourcePolicyMatch?) }

    func applicability(_ request: AuthorizationRequest, _ context: ContextLookup) -> Applicability {
        // Action
        var actionMatched = false
        for glob in actions where glob.matches(request.action) {
            actionMatched = true
            break
        }
        guard actionMatched != notAction else { return .doesNotApply }

        // Resource
        if let resources {
            var resourceMatched = false
            for pattern in resources {
                switch pattern.matches(request.resource, context: context) {
                case true?:
                    resourceMatched = true
                case nil where notResource:
                    // An unresolvable variable in NotResource: the statement does not apply.
                    return .doesNotApply
                default:
                    break
                }
                if resourceMatched { break }
            }
            guard resourceMatched != notResource else { return .doesNotApply }
        }

        // Principal
        var principalMatch: ResourcePolicyMatch? = nil
        if let principals {
            guard let principal = request.principal else { return .doesNotApply }
            let match = principals.match(principal)
            if notPrincipal {
                guard match == nil else { return .doesNotApply }
                principalMatch = .wildcard
            } else {
                guard let match else { return .doesNotApply }
                principalMatch = match
            }
        }

        // Conditions: every operator/key pair must hold.
        for condition in conditions where !condition.evaluate(context) {
            return .doesNotApply
        }
        return .applies(principalMatch)
    }
}
