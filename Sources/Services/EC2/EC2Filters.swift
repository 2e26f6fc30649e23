import AWSWire
import Foundation
import State

/// One `Filter.N` of a Describe call: a name and the values any of which may match.
struct EC2Filter: Decodable, Sendable {
    var name: String?
    var values: [String]?
}

/// The filters a Describe operation accepts, by name, each giving a resource's values for it.
/// `tag:<key>`, `tag-key` and `tag-value` come with every table that has tags.
struct FilterTable<Resource> {
    let fields: [String: (Resource) -> [String]]
    let tags: ((Resource) -> [Tag])?

    init(_ fields: [String: (Resource) -> [String]], tags: ((Resource) -> [Tag])? = nil) {
        self.fields = fields
        self.tags = tags
    }

    /// Compiles the request's filters into one predicate: every filter must match, and a
    /// filter matches when any of the resource's values matches any of its values, with
    /// `*` and `?` wildcards (a backslash makes them literal). Unknown names are refused as
    /// EC2 refuses them.
    func predicate(_ filters: [EC2Filter]?) throws -> (Resource) -> Bool {
        var tests: [(Resource) -> Bool] = []
        for filter in filters ?? [] {
            guard let name = filter.name, !name.isEmpty else {
                throw EC2Error.missingParameter("The request must contain the parameter Filter.Name")
            }
            let patterns = (filter.values ?? []).map(WildcardPattern.init)
            let values: (Resource) -> [String]
            if let field = fields[name] {
                values = field
            } else if let tags, name.hasPrefix("tag:") {
                let key = String(name.dropFirst(4))
                values = { resource in tags(resource).filter { $0.key == key }.map(\.value) }
            } else if let tags, name == "tag-key" {
                values = { resource in tags(resource).map(\.key) }
            } else if let tags, name == "tag-value" {
                values = { resource in tags(resource).map(\.value) }
            } else {
                throw EC2Error.invalidFilter(name)
            }
            tests.append { resource in values(resource).contains { value in patterns.contains { $0.matches(value) } } }
        }
        return { resource in tests.allSatisfy { $0(resource) } }
    }
}

/// An EC2 filter value: `*` matches any run of characters, `?` exactly one, `\` escapes.
struct WildcardPattern: Sendable {
    private enum Token: Equatable {
        case literal(Character)
        case any
        case one
    }

    private let tokens: [Token]

    init(_ text: String) {
        var tokens: [Token] = []
        var escaped = false
        for character in text {
            if escaped {
                tokens.append(.literal(character))
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "*" {
                if tokens.last != .any { tokens.append(.any) }
            } else if character == "?" {
                tokens.append(.one)
            } else {
                tokens.append(.literal(character))
            }
        }
        if escaped { tokens.append(.literal("\\")) }
        self.tokens = tokens
    }

    func matches(_ text: String) -> Bool {
        let characters = Array(text)
        // Greedy matching with one backtrack point per star: linear for the patterns used here.
        var t = 0, c = 0
        var starToken = -1, starCharacter = 0
        while c < characters.count {
            if t < tokens.count {
                switch tokens[t] {
                case .literal(let expected) where expected == characters[c]:
                    t += 1
                    c += 1
                    continue
                case .one:
                    t += 1
                    c += 1
                    continue
                case .any:
                    starToken = t
                    starCharacter = c
                    t += 1
                    continue
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            t = starToken + 1
            starCharacter += 1
            c = starCharacter
        }
        while t < tokens.count, tokens[t] == .any { t += 1 }
        return t == tokens.count
    }
}

/// EC2 paging: `MaxResults` bounds a page and an opaque `NextToken` resumes after the last
/// item's sort key, so items deleted between pages do not shift the next one.
enum EC2Paging {
    static func page<Element>(_ sorted: [Element], token: String?, maxResults: Int?, key: (Element) -> String) throws
        -> (items: [Element], nextToken: String?)
    {
        var remaining = sorted[...]
        if let token, !token.isEmpty {
            guard let last = Paging.key(from: token) else { throw EC2Error.invalidToken(token) }
            remaining = remaining.drop { key($0) <= last }
        } else if let token {
            throw EC2Error.invalidToken(token)
        }
        guard let maxResults else { return (Array(remaining), nil) }
        let items = Array(remaining.prefix(maxResults))
        let next = remaining.count > maxResults ? items.last.map { Paging.marker(after: key($0)) } : nil
        return (items, next)
    }

    /// A sort key in creation order (milliseconds, zero-padded) with the id breaking ties.
    static func creationKey(_ date: Date, _ id: String) -> String {
        let milliseconds = String(max(0, Int64(date.timeIntervalSince1970 * 1000)))
        return String(repeating: "0", count: max(0, 15 - milliseconds.count)) + milliseconds + "|" + id
    }
}

/// Request lists of ids (`VpcId.N`), checked against what the caller can see.
enum EC2IDs {
    /// The resources named by `ids` (in listing order); the first unknown id is refused.
    static func select<Resource>(_ ids: [String]?, from all: [Resource], id: (Resource) -> String,
                                 notFound: (String) -> AWSError) throws -> [Resource] {
        guard let ids, !ids.isEmpty else { return all }
        let known = Set(all.map(id))
        if let missing = ids.first(where: { !known.contains($0) }) { throw notFound(missing) }
        let wanted = Set(ids)
        return all.filter { wanted.contains(id($0)) }
    }
}

/// Booleans and numbers as filters compare them.
extension Bool {
    var filterText: String { self ? "true" : "false" }
}
