import Foundation

/// Turns a service's `Encodable` output struct into a `WireValue`.
///
/// The coding path is not grown per value: nothing reads it (a mismatch with the model is
/// reported by the serializer, which knows the member), and building it cost an allocation
/// for every leaf.
///
/// Property names are stored lower-cased; the serializer then finds each one among the model's
/// members (so `dbiResourceId` lands on `DbiResourceId`), and refuses any it cannot place.
/// `[String: T]` dictionaries become maps with their keys kept as they are.
public enum WireEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> WireValue {
        try encodeValue(value, codingPath: []) ?? .emptyStructure
    }

    static func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> WireValue? {
        // Dispatch on the static type first: cheaper than a chain of dynamic casts, and most
        // values are strings, numbers, booleans and dates.
        switch T.self {
        case is String.Type: return .string(value as! String)
        case is Int.Type: return .integer(Int64(value as! Int))
        case is Bool.Type: return .boolean(value as! Bool)
        case is Date.Type: return .timestamp(value as! Date)
        case is Int64.Type: return .integer(value as! Int64)
        case is Int32.Type: return .integer(Int64(value as! Int32))
        case is Double.Type: return .double(value as! Double)
        case is Float.Type: return .double(Double(value as! Float))
        case is Data.Type: return .blob(Array(value as! Data))
        case is WireValue.Type: return value as? WireValue
        default: break
        }
        if let map = value as? any WireMap {
            return .map(try map.wireEntries(codingPath: codingPath))
        }
        let node = EncodingNode()
        try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
        return node.resolve()
    }
}

/// `[String: T]` encodes as a model map with its keys as they are (a struct's keys are member
/// names and get lower-cased; a map's keys are data).
protocol WireMap {
    func wireEntries(codingPath: [any CodingKey]) throws -> [String: WireValue]
}

extension Dictionary: WireMap where Key == String, Value: Encodable {
    func wireEntries(codingPath: [any CodingKey]) throws -> [String: WireValue] {
        var entries: [String: WireValue] = [:]
        for (key, element) in self {
            entries[key] = try WireEncoder.encodeValue(element, codingPath: codingPath)
        }
        return entries
    }
}

/// A value under construction. Containers may be nested lazily, so a nested container is a node
/// resolved into a `WireValue` once encoding has finished; finished values are stored as they
/// are. Children live in stored properties (not enum payloads) so adding one mutates in place.
final class EncodingNode {
    enum Child {
        case value(WireValue)
        case node(EncodingNode)

        func resolve() -> WireValue? {
            switch self {
            case .value(let value): return value
            case .node(let node): return node.resolve()
            }
        }
    }

    var value: WireValue?
    var keyed: [String: Child]?
    var unkeyed: [Child]?

    func resolve() -> WireValue? {
        if let keyed { return .structure(keyed.compactMapValues { $0.resolve() }) }
        if let unkeyed { return .list(unkeyed.compactMap { $0.resolve() }) }
        return value
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.keyed == nil { node.keyed = [:] }
        return KeyedEncodingContainer(KeyedNodeContainer(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.unkeyed == nil { node.unkeyed = [] }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueNodeContainer(node: node, codingPath: codingPath)
    }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ child: EncodingNode.Child, for key: Key) {
        node.keyed?[key.stringValue.lowercased()] = child
    }

    mutating func encodeNil(forKey key: Key) throws {}

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if let wire = try WireEncoder.encodeValue(value, codingPath: codingPath) { set(.value(wire), for: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        set(.node(child), for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        set(.node(child), for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node, codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        set(.node(child), for: key)
        return NodeEncoder(node: child, codingPath: codingPath + [key])
    }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int { node.unkeyed?.count ?? 0 }

    private func append(_ child: EncodingNode.Child) {
        node.unkeyed?.append(child)
    }

    mutating func encodeNil() throws {}

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let wire = try WireEncoder.encodeValue(value, codingPath: codingPath) { append(.value(wire)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        append(.node(child))
        return NodeEncoder(node: child, codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        append(.node(child))
        return NodeEncoder(node: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        append(.node(child))
        return NodeEncoder(node: child, codingPath: codingPath)
    }
}

struct SingleValueNodeContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.value = nil }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.value = try WireEncoder.encodeValue(value, codingPath: codingPath)
    }
}
