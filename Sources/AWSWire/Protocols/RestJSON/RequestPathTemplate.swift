/// A rest-json `requestUri` path such as `/Users/{UserName}` or `/objects/{Key+}`, compiled once
/// so requests can be matched and their labels read out.
public struct RequestPathTemplate: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case label(String)
        case greedyLabel(String)
    }

    let segments: [Segment]

    public init(_ path: String) {
        segments = path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{"), part.hasSuffix("+}") { return .greedyLabel(String(part.dropFirst().dropLast(2))) }
            if part.hasPrefix("{"), part.hasSuffix("}") { return .label(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    /// Literal segments outrank labels when two templates match the same path.
    public var specificity: Int {
        segments.reduce(0) { total, segment in
            if case .literal = segment { return total + 2 }
            return total + 1
        }
    }

    /// The label values (percent-decoded) when `path` matches, else nil.
    public func match(_ path: String) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var labels: [String: String] = [:]
        var index = 0
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
                index += 1
            case .label(let name):
                guard index < parts.count, let value = parts[index].removingPercentEncoding, !value.isEmpty else { return nil }
                labels[name] = value
                index += 1
            case .greedyLabel(let name):
                let remaining = segments.count - position - 1
                guard parts.count - index > remaining else { return nil }
                let end = parts.count - remaining
                guard let value = parts[index..<end].joined(separator: "/").removingPercentEncoding else { return nil }
                labels[name] = value
                index = end
            }
        }
        return index == parts.count ? labels : nil
    }
}

import Foundation
