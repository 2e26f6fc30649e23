/// One way a request broke its input shape's constraints. Codecs report type errors as
/// violations too, so a service answers every kind of bad input in its own style.
public struct Violation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case missing
        case wrongType(expected: String)
        case tooShort(min: Int)
        case tooLong(max: Int)
        case tooFewItems(min: Int)
        case tooManyItems(max: Int)
        case belowMinimum(Double)
        case aboveMaximum(Double)
        case notInEnum([String])
        case patternMismatch(String)
    }

    /// Member names from the input structure down, e.g. `["Tags", "1", "Key"]`.
    public let path: [String]
    public let kind: Kind
    /// The offending value as text, or nil when the member is sensitive or absent.
    public let value: String?

    public init(path: [String], kind: Kind, value: String?) {
        self.path = path
        self.kind = kind
        self.value = value
    }
}

/// How a service words validation failures. AWS services differ: IAM and STS answer
/// `ValidationError` in Coral's wording, JSON services `ValidationException`, RDS
/// `InvalidParameterValue` naming the parameter, EC2 `MissingParameter`/`InvalidParameterValue`.
public enum ValidationStyle: Sendable {
    case coral(code: String)
    case rds
    case ec2

    public func error(for violations: [Violation]) -> AWSError {
        switch self {
        case .coral(let code):
            let details = violations.prefix(10).map(Self.coralDetail).joined(separator: "; ")
            let count = violations.count
            return AWSError(code: code, status: 400,
                            message: "\(count) validation error\(count == 1 ? "" : "s") detected: \(details)")
        case .rds:
            let first = violations[0]
            let name = first.path.joined(separator: ".")
            switch first.kind {
            case .missing:
                return AWSError(code: "InvalidParameterValue", status: 400,
                                message: "The parameter \(name) must be provided and must not be empty.")
            default:
                return AWSError(code: "InvalidParameterValue", status: 400,
                                message: "Invalid value \(first.value.map { "'\($0)' " } ?? "")for parameter \(name): \(Self.constraint(first.kind)).")
            }
        case .ec2:
            let first = violations[0]
            let name = first.path.joined(separator: ".")
            if first.kind == .missing {
                return AWSError(code: "MissingParameter", status: 400,
                                message: "The request must contain the parameter \(name)")
            }
            return AWSError(code: "InvalidParameterValue", status: 400,
                            message: "Value (\(first.value ?? "")) for parameter \(name) is invalid. \(Self.constraint(first.kind)).")
        }
    }

    /// Coral names members in lower camel case: `roleName`, `tags.1.member.key`.
    static func coralPath(_ path: [String]) -> String {
        path.map { part in part.prefix(1).lowercased() + part.dropFirst() }.joined(separator: ".")
    }

    static func coralDetail(_ violation: Violation) -> String {
        let path = coralPath(violation.path)
        if violation.kind == .missing {
            return "Value null at '\(path)' failed to satisfy constraint: Member must not be null"
        }
        let value = violation.value.map { "'\($0)' " } ?? ""
        return "Value \(value)at '\(path)' failed to satisfy constraint: \(constraint(violation.kind))"
    }

    static func constraint(_ kind: Violation.Kind) -> String {
        switch kind {
        case .missing: return "Member must not be null"
        case .wrongType(let expected): return "Member must be a valid \(expected)"
        case .tooShort(let min): return "Member must have length greater than or equal to \(min)"
        case .tooLong(let max): return "Member must have length less than or equal to \(max)"
        case .tooFewItems(let min): return "Member must have at least \(min) items"
        case .tooManyItems(let max): return "Member must have at most \(max) items"
        case .belowMinimum(let min): return "Member must have value greater than or equal to \(format(min))"
        case .aboveMaximum(let max): return "Member must have value less than or equal to \(format(max))"
        case .notInEnum(let values): return "Member must satisfy enum value set: [\(values.joined(separator: ", "))]"
        case .patternMismatch(let pattern): return "Member must satisfy regular expression pattern: \(pattern)"
        }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
