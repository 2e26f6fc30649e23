import Foundation

// Condition operators: parsed and compiled once per document, evaluated per request.

/// A compiled `"Operator": { "key": [values] }` entry — one operator applied to one key.
struct CompiledCondition: Sendable {
    enum Qualifier: Sendable { case none, forAnyValue, forAllValues }
    enum Comparison: Sendable { case equals, lessThan, lessThanEquals, greaterThan, greaterThanEquals }
    enum StringMatch: Sendable { case equals, equalsIgnoreCase, like }

    /// A policy-side value, pre-parsed for its operator family.
    enum Value: Sendable {
        /// String operators (wildcards only for `like`). `equalsIgnoreCase` folds ASCII letters only.
        case pattern(CompiledPattern)
        case number(Double?)
        case date(Double)
        /// `Bool`: the expected flag (nil if not true/false), or a template with variables.
        case bool(Bool?, Template?)
        case binary([UInt8]?)
        case ip(IPRange?)
        case arn(ArnPattern)
        /// `Null`: true means "key must be absent".
        case null(Bool?)
    }

    enum Family: Sendable {
        case string(StringMatch)
        case numeric(Comparison)
        case date(Comparison)
        case bool
        case binary
        case ip
        case arn
        case null
    }

    let key: String
    let family: Family
    let negated: Bool
    let ifExists: Bool
    let qualifier: Qualifier
    let values: [Value]

    // MARK: Evaluation

    func evaluate(_ context: ContextLookup) -> Bool {
        if case .null = family {
            let present = context.presentValue(for: key) != nil
            return values.contains { value in
                if case .null(let wantsAbsent?) = value { return wantsAbsent != present }
                return false
            }
        }

        guard let contextValue = context.presentValue(for: key) else {
            if ifExists { return true }
            switch qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case .none: return negated
            }
        }

        switch qualifier {
        case .none:
            // A multivalued key needs a set qualifier; without one the condition does not match.
            if case .strings = contextValue { return false }
            return test(contextValue, context)
        case .forAnyValue:
            if case .strings(let list) = contextValue {
                return list.contains { test(.string($0), context) }
            }
            return test(contextValue, context)
        case .forAllValues:
            if case .strings(let list) = contextValue {
                return list.allSatisfy { test(.string($0), context) }
            }
            return test(contextValue, context)
        }
    }

    private enum Outcome { case match, noMatch, unresolved }

    /// One request value against all policy values: OR for positive operators, NOR for negated
    /// ones. A policy value whose variable cannot be resolved never matches, and makes a negated
    /// operator fail too (AWS treats such a statement as not applying).
    private func test(_ requestValue: ContextValue, _ context: ContextLookup) -> Bool {
        var sawUnresolved = false
        for value in values {
            switch outcome(requestValue, value, context) {
            case .match: return !negated
            case .unresolved: sawUnresolved = true
            case .noMatch: break
            }
        }
        return negated && !sawUnresolved
    }

    private func outcome(_ requestValue: ContextValue, _ value: Value, _ context: ContextLookup) -> Outcome {
        switch value {
        case .pattern(let pattern):
            guard let text = requestValue.scalarText else { return .noMatch }
            guard let matched = pattern.matches(text, context: context) else { return .unresolved }
            return matched ? .match : .noMatch

        case .number(let expected):
            guard let expected, let actual = requestValue.numberValue, case .numeric(let comparison) = family else {
                return .noMatch
            }
            return compare(actual, expected, comparison) ? .match : .noMatch

        case .date(let expected):
            guard let actual = requestValue.dateValue, case .date(let comparison) = family else { return .noMatch }
            return compare(actual, expected, comparison) ? .match : .noMatch

        case .bool(let fixed, let template):
            guard let actual = requestValue.boolValue else { return .noMatch }
            var expected = fixed
            if let template {
                guard let text = template.resolveText(context.variableText(for:)) else { return .unresolved }
                expected = parseBool(text)
            }
            guard let expected else { return .noMatch }
            return expected == actual ? .match : .noMatch

        case .binary(let expected):
            guard let expected, let text = requestValue.scalarText,
                  let actual = Data(base64Encoded: text) else { return .noMatch }
            return actual.elementsEqual(expected) ? .match : .noMatch

        case .ip(let range):
            guard let range, let text = requestValue.scalarText, let address = IPAddress(text) else { return .noMatch }
            return range.contains(address) ? .match : .noMatch

        case .arn(let pattern):
            guard let text = requestValue.scalarText else { return .noMatch }
            guard let matched = pattern.matches(text, context: context) else { return .unresolved }
            return matched ? .match : .noMatch

        case .null:
            return .noMatch
        }
    }

    private func compare(_ actual: Double, _ expected: Double, _ comparison: Comparison) -> Bool {
        switch comparison {
        case .equals: return actual == expected
        case .lessThan: return actual < expected
        case .lessThanEquals: return actual <= expected
        case .greaterThan: return actual > expected
        case .greaterThanEquals: return actual >= expected
        }
    }
}

func parseBool(_ text: String) -> Bool? {
    if asciiCaseInsensitiveEquals(text, "true") { return true }
    if asciiCaseInsensitiveEquals(text, "false") { return false }
    return nil
}

extension ContextValue {
    var numberValue: Double? {
        switch self {
        case .number(let number): return number
        case .string(let string): return Double(string.trimmingSpaces)
        default: return nil
        }
    }

    var dateValue: Double? {
        switch self {
        case .date(let date): return date.timeIntervalSince1970
        case .number(let number): return number
        case .string(let string): return parseDate(string)
        default: return nil
        }
    }

    var boolValue: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string(let string): return parseBool(string)
        default: return nil
        }
    }
}

/// An ARN pattern for the `Arn*` operators: the six colon-separated parts
/// (`arn:partition:service:region:account:resource`) are matched separately, each with `*`/`?`.
/// A policy value with fewer than six parts is matched as a whole-string glob.
struct ArnPattern: Sendable {
    let template: Template
    let fixed: [Glob]?

    init(_ source: String, variables: Bool) {
        template = Template(source, variables: variables, wildcards: true)
        // Without variables every piece resolves, so this never yields nil.
        fixed = template.hasVariables ? nil : template.resolveCodes { _ in nil }.map(ArnPattern.compile(codes:))
    }

    /// Whether `arn` matches; nil when a policy variable could not be resolved.
    func matches(_ arn: String, context: ContextLookup) -> Bool? {
        let globs: [Glob]
        if let fixed {
            globs = fixed
        } else {
            // Resolve variables first (substituted text stays literal), then split into parts.
            guard let codes = template.resolveCodes(context.variableText(for:)) else { return nil }
            globs = ArnPattern.compile(codes: codes)
        }
        if globs.count == 1 { return globs[0].matches(arn) }
        let parts = splitArn(arn)
        guard parts.count == 6 else { return false }
        for (glob, part) in zip(globs, parts) where !glob.matches(String(part)) {
            return false
        }
        return true
    }

    private static func compile(codes: [Int16]) -> [Glob] {
        var parts: [[Int16]] = [[]]
        for code in codes {
            if code == Int16(UInt8(ascii: ":")), parts.count < 6 {
                parts.append([])
            } else {
                parts[parts.count - 1].append(code)
            }
        }
        guard parts.count == 6 else { return [Glob(codes: codes, ignoreCase: false)] }
        return parts.map { Glob(codes: $0, ignoreCase: false) }
    }
}

/// Splits an ARN into at most six parts; the resource part keeps any further colons.
func splitArn(_ arn: String) -> [Substring] {
    arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
}

// MARK: - Parsing

enum ConditionParser {
    /// Parses one operator name such as `ForAllValues:StringNotEqualsIfExists`.
    /// Returns nil for an operator IAM does not know.
    static func parseOperator(_ name: String) -> (qualifier: CompiledCondition.Qualifier, family: CompiledCondition.Family,
                                                  negated: Bool, ifExists: Bool)? {
        var rest = Substring(name)
        var qualifier = CompiledCondition.Qualifier.none
        if rest.lowercased().hasPrefix("forallvalues:") {
            qualifier = .forAllValues
            rest = rest.dropFirst("ForAllValues:".count)
        } else if rest.lowercased().hasPrefix("foranyvalue:") {
            qualifier = .forAnyValue
            rest = rest.dropFirst("ForAnyValue:".count)
        }
        var base = rest.lowercased()
        var ifExists = false
        if base.hasSuffix("ifexists") {
            ifExists = true
            base.removeLast("ifexists".count)
        }
        let result: (CompiledCondition.Family, Bool)
        switch base {
        case "stringequals": result = (.string(.equals), false)
        case "stringnotequals": result = (.string(.equals), true)
        case "stringequalsignorecase": result = (.string(.equalsIgnoreCase), false)
        case "stringnotequalsignorecase": result = (.string(.equalsIgnoreCase), true)
        case "stringlike": result = (.string(.like), false)
        case "stringnotlike": result = (.string(.like), true)
        case "numericequals": result = (.numeric(.equals), false)
        case "numericnotequals": result = (.numeric(.equals), true)
        case "numericlessthan": result = (.numeric(.lessThan), false)
        case "numericlessthanequals": result = (.numeric(.lessThanEquals), false)
        case "numericgreaterthan": result = (.numeric(.greaterThan), false)
        case "numericgreaterthanequals": result = (.numeric(.greaterThanEquals), false)
        case "dateequals": result = (.date(.equals), false)
        case "datenotequals": result = (.date(.equals), true)
        case "datelessthan": result = (.date(.lessThan), false)
        case "datelessthanequals": result = (.date(.lessThanEquals), false)
        case "dategreaterthan": result = (.date(.greaterThan), false)
        case "dategreaterthanequals": result = (.date(.greaterThanEquals), false)
        case "bool": result = (.bool, false)
        case "binaryequals": result = (.binary, false)
        case "ipaddress": result = (.ip, false)
        case "notipaddress": result = (.ip, true)
        case "arnequals", "arnlike": result = (.arn, false)
        case "arnnotequals", "arnnotlike": result = (.arn, true)
        case "null":
            // `Null` has no IfExists form.
            if ifExists { return nil }
            result = (.null, false)
        default:
            return nil
        }
        return (qualifier, result.0, result.1, ifExists)
    }

    /// Compiles one policy value for `family`. Returns nil when the value is invalid in a way IAM
    /// rejects at write time (only dates are checked this strictly, as in IAM).
    static func compileValue(_ text: String, family: CompiledCondition.Family, variables: Bool) -> CompiledCondition.Value? {
        switch family {
        case .string(let match):
            switch match {
            case .equals:
                return .pattern(CompiledPattern(text, variables: variables, wildcards: false))
            case .equalsIgnoreCase:
                return .pattern(CompiledPattern(text, variables: variables, wildcards: false, ignoreCase: true))
            case .like:
                return .pattern(CompiledPattern(text, variables: variables, wildcards: true))
            }
        case .numeric:
            return .number(Double(text.trimmingSpaces))
        case .date:
            guard let seconds = parseDate(text) else { return nil }
            return .date(seconds)
        case .bool:
            let template = Template(text, variables: variables, wildcards: false)
            return template.hasVariables ? .bool(nil, template) : .bool(parseBool(text), nil)
        case .binary:
            return .binary(Data(base64Encoded: text).map { Array($0) })
        case .ip:
            return .ip(IPRange(text))
        case .arn:
            return .arn(ArnPattern(text, variables: variables))
        case .null:
            return .null(parseBool(text))
        }
    }
}
