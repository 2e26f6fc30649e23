import Foundation

/// Reads a service's `Decodable` input struct from a decoded and validated `WireValue`.
///
/// Structure members are found by the lower-cased Swift property name; map entries by their exact
/// key. A value the struct needs but the request lacks surfaces as `WireDecodingError`, which the
/// pipeline answers with the service's validation error.
public enum WireDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: WireValue) throws -> T {
        try decodeValue(type, from: value, codingPath: [])
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, from value: WireValue, codingPath: [any CodingKey]) throws -> T {
        func mismatch() -> WireDecodingError {
            WireDecodingError(path: codingPath, problem: "expected \(type), found \(value.kindName)")
        }
        switch type {
        case is String.Type:
            guard case .string(let s) = value else { throw mismatch() }
            return s as! T
        case is Bool.Type:
            guard case .boolean(let b) = value else { throw mismatch() }
            return b as! T
        case is Int.Type:
            guard case .integer(let i) = value, let narrowed = Int(exactly: i) else { throw mismatch() }
            return narrowed as! T
        case is Int32.Type:
            guard case .integer(let i) = value, let narrowed = Int32(exactly: i) else { throw mismatch() }
            return narrowed as! T
        case is Int64.Type:
            guard case .integer(let i) = value else { throw mismatch() }
            return i as! T
        case is Double.Type:
            switch value {
            case .double(let d): return d as! T
            case .integer(let i): return Double(i) as! T
            default: throw mismatch()
            }
        case is Date.Type:
            guard case .timestamp(let d) = value else { throw mismatch() }
            return d as! T
        case is Data.Type:
            guard case .blob(let bytes) = value else { throw mismatch() }
            return Data(bytes) as! T
        case is WireValue.Type:
            return value as! T
        default:
            return try T(from: ValueDecoder(value: value, codingPath: codingPath))
        }
    }
}

public struct WireDecodingError: Error, CustomStringConvertible, Sendable {
    public let memberPath: String
    public let problem: String

    init(path: [any CodingKey], problem: String) {
        memberPath = path.map(\.stringValue).joined(separator: ".")
        self.problem = problem
    }

    public var description: String { "\(memberPath): \(problem)" }
}

extension WireValue {
    var kindName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .double: return "double"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .blob: return "blob"
        case .list: return "list"
        case .map: return "map"
        case .structure: return "structure"
        }
    }
}

struct ValueDecoder: Decoder {
    let value: WireValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .structure(let members):
            return KeyedDecodingContainer(KeyedValueContainer(members: members, lowercaseKeys: true, codingPath: codingPath))
        case .map(let entries):
            return KeyedDecodingContainer(KeyedValueContainer(members: entries, lowercaseKeys: false, codingPath: codingPath))
        default:
            throw WireDecodingError(path: codingPath, problem: "expected a structure, found \(value.kindName)")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let elements) = value else {
            throw WireDecodingError(path: codingPath, problem: "expected a list, found \(value.kindName)")
        }
        return UnkeyedValueContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }
}

struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: WireValue]
    let lowercaseKeys: Bool
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    private func lookup(_ key: Key) -> WireValue? {
        members[lowercaseKeys ? key.stringValue.lowercased() : key.stringValue]
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { lookup(key) == nil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let value = lookup(key) else {
            throw WireDecodingError(path: codingPath + [key], problem: "is required")
        }
        return try WireDecoder.decodeValue(type, from: value, codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: lookup(key) ?? .emptyStructure, codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: lookup(key) ?? .list([]), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .structure(members), codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: lookup(key) ?? .emptyStructure, codingPath: codingPath + [key])
    }
}

struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) { intValue = index; stringValue = String(index + 1) }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.init(intValue) }
}

struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let elements: [WireValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [WireValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw WireDecodingError(path: codingPath, problem: "has too few elements") }
        defer { currentIndex += 1 }
        return try WireDecoder.decodeValue(type, from: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: try decode(WireValue.self), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: try decode(WireValue.self), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        ValueDecoder(value: try decode(WireValue.self), codingPath: codingPath)
    }
}

struct SingleValueContainer: SingleValueDecodingContainer {
    let value: WireValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try WireDecoder.decodeValue(type, from: value, codingPath: codingPath)
    }
}
