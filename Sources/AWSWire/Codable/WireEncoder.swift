import Foundation

/// Turns a service's `Encodable` output struct into a `WireValue`.
///
/// Property names are stored lower-cased; the serializer then finds each one among the model's
/// members (so `dbiResourceId` lands on `DbiResourceId`), and refuses any it cannot place.
/// `[String: T]` dictionaries become maps with their keys kept as they are.
public enum WireEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> WireValue {
        try encodeValue(value, codingPath: []) ?? .emptyStructure
    }

    static func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> WireValue? {
        switch value {
        case let string as String: return .string(string)
        case let bool as Bool: return .boolean(bool)
        case let int as Int: return .integer(Int64(int))
        case let int as Int32: return .integer(Int64(int))
        case let int as Int64: return .integer(int)
        case let double as Double: return .double(double)
        case let float as Float: return .double(Double(float))
        case let date as Date: return .timestamp(date)
        case let data as Data: return .blob(Array(data))
        case let wire as WireValue: return wire
        case let dictionary as [String: any Encodable]:
            var entries: [String: WireValue] = [:]
            for (key, element) in dictionary {
                entries[key] = try encodeValue(element, codingPath: codingPath)
            }
            return .map(entries)
        default:
            let node = EncodingNode()
            try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
            return node.resolve()
        }
    }
}

/// A value under construction. Containers may be nested lazily, so each is a node that is
/// resolved into a `WireValue` once encoding has finished.
final class EncodingNode {
    enum Content {
        case empty
        case value(WireValue)
        case keyed([String: EncodingNode])
        case unkeyed([EncodingNode])
    }

    var content: Content = .empty

    init() {}

    init(_ value: WireValue?) {
        if let value { content = .value(value) }
    }

    func resolve() -> WireValue? {
        switch content {
        case .empty: return nil
        case .value(let value): return value
        case .keyed(let members): return .structure(members.compactMapValues { $0.resolve() })
        case .unkeyed(let elements): return .list(elements.compactMap { $0.resolve() })
        }
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = node.content {} else { node.content = .keyed([:]) }
        return KeyedEncodingContainer(KeyedNodeContainer(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = node.content {} else { node.content = .unkeyed([]) }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueNodeContainer(node: node, codingPath: codingPath)
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ child: EncodingNode, for key: Key) {
        guard case .keyed(var members) = node.content else { return }
        members[key.stringValue.lowercased()] = child
        node.content = .keyed(members)
    }

    mutating func encodeNil(forKey key: Key) throws {}

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(EncodingNode(try WireEncoder.encodeValue(value, codingPath: codingPath + [key])), for: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        set(child, for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        set(child, for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node, codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        set(child, for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int {
        if case .unkeyed(let elements) = node.content { return elements.count }
        return 0
    }

    private func append(_ child: EncodingNode) {
        guard case .unkeyed(var elements) = node.content else { return }
        elements.append(child)
        node.content = .unkeyed(elements)
    }

    mutating func encodeNil() throws {}

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(EncodingNode(try WireEncoder.encodeValue(value, codingPath: codingPath)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        append(child)
        return NodeEncoder(node: child, codingPath: codingPath)
    }
}

struct SingleValueNodeContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .empty }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let wire = try WireEncoder.encodeValue(value, codingPath: codingPath) {
            node.content = .value(wire)
        }
    }
}
