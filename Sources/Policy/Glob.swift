// Glob matching and policy-variable templates.
//
// A policy string is compiled once into a `Template`: literal bytes, `*`/`?` wildcards (where the
// element allows them) and `${key}` variables. Templates without variables are resolved at parse
// time into a `Glob`, so evaluation is a single pass over the request string's UTF-8 bytes.

/// A compiled glob program: one code per pattern byte, or a wildcard code.
struct Glob: Sendable, Equatable {
    static let star: Int16 = -1
    static let single: Int16 = -2

    /// Pattern bytes (already lower-cased when `ignoreCase`), or `star`/`single`.
    let codes: [Int16]
    let ignoreCase: Bool
    /// True when the pattern is a single `*` (matches everything, including "").
    let matchesEverything: Bool
    let hasWildcards: Bool

    init(codes: [Int16], ignoreCase: Bool) {
        self.ignoreCase = ignoreCase
        self.codes = ignoreCase ? codes.map { $0 >= 0 ? Int16(asciiLower(UInt8($0))) : $0 } : codes
        self.hasWildcards = codes.contains { $0 < 0 }
        self.matchesEverything = !codes.isEmpty && codes.allSatisfy { $0 == Glob.star }
    }

    /// A glob where `*` and `?` are wildcards and every other character is literal.
    init(pattern: String, ignoreCase: Bool) {
        let codes = pattern.utf8.map { byte -> Int16 in
            switch byte {
            case UInt8(ascii: "*"): return Glob.star
            case UInt8(ascii: "?"): return Glob.single
            default: return Int16(byte)
            }
        }
        self.init(codes: codes, ignoreCase: ignoreCase)
    }

    func matches(_ text: String) -> Bool {
        if matchesEverything { return true }
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    func matches(bytes text: UnsafeBufferPointer<UInt8>) -> Bool {
        if matchesEverything { return true }
        let pattern = codes
        let count = pattern.count
        if !hasWildcards {
            guard count == text.count else { return false }
            for index in 0..<count where !byteEquals(pattern[index], text[index]) { return false }
            return true
        }
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < count {
                let code = pattern[p]
                if code == Glob.star {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if code == Glob.single {
                    t = nextScalar(text, after: t)
                    p += 1
                    continue
                }
                if byteEquals(code, text[t]) {
                    p += 1
                    t += 1
                    continue
                }
            }
            guard starP >= 0 else { return false }
            // Let the last `*` swallow one more character and retry.
            starT = nextScalar(text, after: starT)
            t = starT
            p = starP + 1
        }
        while p < count, pattern[p] == Glob.star { p += 1 }
        return p == count
    }

    @inline(__always)
    private func byteEquals(_ code: Int16, _ byte: UInt8) -> Bool {
        ignoreCase ? code == Int16(asciiLower(byte)) : code == Int16(byte)
    }

    /// Index after the Unicode scalar starting at `index`, so `?` consumes one character.
    @inline(__always)
    private func nextScalar(_ text: UnsafeBufferPointer<UInt8>, after index: Int) -> Int {
        var next = index + 1
        while next < text.count, text[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}

/// A policy string with optional `${...}` policy variables.
///
/// Variables are recognised only in documents with `"Version": "2012-10-17"` (as in AWS); elsewhere
/// `${...}` is literal text. Supported forms: `${aws:username}`, `${aws:PrincipalTag/team}`,
/// `${key, 'default'}` (a default used when the key cannot be resolved; `''` inside it is a quote),
/// and the escapes `${*}`, `${?}`, `${$}` for a literal `*`, `?` or `$`.
struct Template: Sendable {
    enum Piece: Sendable {
        case byte(UInt8)
        /// A `*` or `?` wildcard (only when wildcards are enabled).
        case wildcard(Int16)
        /// A variable; `fallback` is the default text, if given. `malformed` variables never resolve.
        case variable(key: String, fallback: String?)
    }

    let source: String
    let pieces: [Piece]
    let hasVariables: Bool
    let wildcards: Bool

    init(_ source: String, variables: Bool, wildcards: Bool) {
        self.source = source
        self.wildcards = wildcards
        var pieces: [Piece] = []
        pieces.reserveCapacity(source.utf8.count)
        let bytes = Array(source.utf8)
        var index = 0
        var sawVariable = false
        while index < bytes.count {
            let byte = bytes[index]
            if variables, byte == UInt8(ascii: "$"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
               let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                let body = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
                switch body {
                case "*": pieces.append(.byte(UInt8(ascii: "*")))
                case "?": pieces.append(.byte(UInt8(ascii: "?")))
                case "$": pieces.append(.byte(UInt8(ascii: "$")))
                default:
                    pieces.append(Template.parseVariable(body))
                    sawVariable = true
                }
                index = close + 1
                continue
            }
            if wildcards, byte == UInt8(ascii: "*") {
                pieces.append(.wildcard(Glob.star))
            } else if wildcards, byte == UInt8(ascii: "?") {
                pieces.append(.wildcard(Glob.single))
            } else {
                pieces.append(.byte(byte))
            }
            index += 1
        }
        self.pieces = pieces
        self.hasVariables = sawVariable
    }

    /// `key` or `key, 'default'`, with surrounding spaces ignored. Anything else is a variable
    /// that never resolves (an empty key).
    private static func parseVariable(_ body: String) -> Piece {
        let trimmedBody = body.trimmingSpaces
        guard let comma = trimmedBody.firstIndex(of: ",") else {
            return .variable(key: trimmedBody.contains(" ") ? "" : trimmedBody, fallback: nil)
        }
        let key = String(trimmedBody[..<comma]).trimmingSpaces
        let rest = String(trimmedBody[trimmedBody.index(after: comma)...]).trimmingSpaces
        guard !key.contains(" "), rest.count >= 2, rest.first == "'", rest.last == "'" else {
            return .variable(key: "", fallback: nil)
        }
        let inner = rest.dropFirst().dropLast()
        // Inside the quotes a quote must be doubled.
        var fallback = ""
        var iterator = inner.makeIterator()
        while let character = iterator.next() {
            if character == "'" {
                guard iterator.next() == "'" else { return .variable(key: "", fallback: nil) }
            }
            fallback.append(character)
        }
        return .variable(key: key, fallback: fallback)
    }

    /// Substitutes variables. Returns nil when a variable has no value and no default.
    /// Wildcard pieces are emitted as `*`/`?` characters.
    func resolveText(_ lookup: (String) -> String?) -> String? {
        guard let codes = resolveCodes(lookup) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(codes.count)
        for code in codes {
            switch code {
            case Glob.star: bytes.append(UInt8(ascii: "*"))
            case Glob.single: bytes.append(UInt8(ascii: "?"))
            default: bytes.append(UInt8(code))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Substitutes variables into glob codes (substituted text is always literal).
    func resolveCodes(_ lookup: (String) -> String?) -> [Int16]? {
        var codes: [Int16] = []
        codes.reserveCapacity(pieces.count)
        for piece in pieces {
            switch piece {
            case .byte(let byte): codes.append(Int16(byte))
            case .wildcard(let code): codes.append(code)
            case .variable(let key, let fallback):
                let value = key.isEmpty ? nil : lookup(key)
                guard let text = value ?? fallback else { return nil }
                for byte in text.utf8 { codes.append(Int16(byte)) }
            }
        }
        return codes
    }

    /// A glob for this template, resolving variables against `lookup`.
    func glob(ignoreCase: Bool, _ lookup: (String) -> String?) -> Glob? {
        guard let codes = resolveCodes(lookup) else { return nil }
        return Glob(codes: codes, ignoreCase: ignoreCase)
    }
}

/// A template compiled ahead of time when it has no variables.
struct CompiledPattern: Sendable {
    let template: Template
    /// Set when the template has no variables.
    let fixed: Glob?
    let ignoreCase: Bool

    init(_ source: String, variables: Bool, wildcards: Bool = true, ignoreCase: Bool = false) {
        template = Template(source, variables: variables, wildcards: wildcards)
        self.ignoreCase = ignoreCase
        fixed = template.hasVariables ? nil : template.glob(ignoreCase: ignoreCase) { _ in nil }
    }

    /// Whether `text` matches; nil when a variable could not be resolved.
    func matches(_ text: String, context: ContextLookup) -> Bool? {
        if let fixed { return fixed.matches(text) }
        guard let glob = template.glob(ignoreCase: ignoreCase, context.variableText(for:)) else { return nil }
        return glob.matches(text)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
