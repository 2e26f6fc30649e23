/// `application/x-www-form-urlencoded` parameters (query protocol bodies and query strings),
/// arranged as a tree on their dotted names: `Tags.member.1.Key` → Tags › member › 1 › Key.
public struct FormParameters: Sendable {
    /// Deeper than any model nests (`A.member.1.B.member.2.C…`); a name beyond it is refused, so a
    /// hostile name cannot build a tree deep enough to exhaust the stack.
    public static let maximumNameDepth = 64

    public final class Node: @unchecked Sendable {
        // Built once while parsing, then only read.
        public fileprivate(set) var value: String?
        public fileprivate(set) var children: [String: Node] = [:]

        public func child(_ name: String) -> Node? { children[name] }
    }

    public let root = Node()
    public private(set) var pairs: [(String, String)] = []

    public init(_ encoded: some Sequence<UInt8>) throws(InputError) {
        var current: [UInt8] = []
        for byte in encoded {
            if byte == UInt8(ascii: "&") {
                try add(current)
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
        }
        try add(current)
    }

    public init(_ text: String) throws(InputError) {
        try self.init(text.utf8)
    }

    public subscript(name: String) -> String? { root.children[name]?.value }

    private mutating func add(_ pair: [UInt8]) throws(InputError) {
        guard !pair.isEmpty else { return }
        let equals = pair.firstIndex(of: UInt8(ascii: "="))
        let name = try Self.percentDecode(pair[..<(equals ?? pair.endIndex)])
        let value = try equals.map { index throws(InputError) in try Self.percentDecode(pair[(index + 1)...]) } ?? ""
        guard !name.isEmpty else { return }
        pairs.append((name, value))
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= Self.maximumNameDepth else {
            throw .malformed("Parameter name \(name.prefix(64))… has more than \(Self.maximumNameDepth) parts")
        }
        var node = root
        for part in parts {
            let key = String(part)
            if let next = node.children[key] {
                node = next
            } else {
                let next = Node()
                node.children[key] = next
                node = next
            }
        }
        node.value = value
    }

    static func percentDecode(_ bytes: ArraySlice<UInt8>) throws(InputError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw .malformed("invalid percent-encoding in the query string") }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw .malformed("the query string is not valid UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
