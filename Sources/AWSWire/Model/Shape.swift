import Foundation

/// Index of a shape inside its `ServiceModel`. Shapes refer to each other by index, so recursive
/// shapes need no reference cycles.
public struct ShapeID: Hashable, Sendable {
    public let index: Int
}

public enum TimestampFormat: String, Sendable {
    case iso8601
    case unixTimestamp
    case rfc822
}

/// Where a member travels in a rest-json request or response.
public enum MemberLocation: String, Sendable {
    case body
    case uri
    case querystring
    case header
    case headers
    case statusCode
}

public struct Member: Sendable {
    /// The member name in the model, e.g. `DBInstanceIdentifier`.
    public let name: String
    /// `name` lower-cased: the key under which values of this member are stored in a `WireValue`
    /// structure, so Swift's camelCase property names match model names without a mapping table.
    public let key: String
    public let shape: ShapeID
    public let location: MemberLocation
    /// The name on the wire: `locationName` when the model gives one, else `name`.
    public let wireName: String
    /// The EC2 protocol's explicit query name.
    public let queryName: String?
    public let isFlattened: Bool
    public let isXMLAttribute: Bool
    public let timestampFormat: TimestampFormat?
    public let isIdempotencyToken: Bool
    public let isEventPayload: Bool
}

public final class StructureShape: Sendable {
    public let members: [Member]
    public let required: Set<String>
    /// Lower-cased member name → position in `members`.
    public let positionByKey: [String: Int]
    /// Member name of the payload member for rest protocols, if any.
    public let payload: String?
    public let error: ErrorTrait?

    public init(members: [Member], required: Set<String>, positionByKey: [String: Int], payload: String?, error: ErrorTrait?) {
        self.members = members
        self.required = required
        self.positionByKey = positionByKey
        self.payload = payload
        self.error = error
    }

    public func member(forKey key: String) -> Member? {
        positionByKey[key].map { members[$0] }
    }
}

public struct ErrorTrait: Sendable {
    public let code: String?
    public let httpStatusCode: Int?
    public let senderFault: Bool
}

public final class ListShape: Sendable {
    public let member: ShapeID
    /// `locationName` of the list member (`member` when absent), used by query and XML.
    public let memberWireName: String?
    public let isFlattened: Bool
    public let min: Int?
    public let max: Int?

    public init(member: ShapeID, memberWireName: String?, isFlattened: Bool, min: Int?, max: Int?) {
        self.member = member
        self.memberWireName = memberWireName
        self.isFlattened = isFlattened
        self.min = min
        self.max = max
    }
}

public final class MapShape: Sendable {
    public let key: ShapeID
    public let value: ShapeID
    public let keyWireName: String
    public let valueWireName: String
    public let isFlattened: Bool

    public init(key: ShapeID, value: ShapeID, keyWireName: String, valueWireName: String, isFlattened: Bool) {
        self.key = key
        self.value = value
        self.keyWireName = keyWireName
        self.valueWireName = valueWireName
        self.isFlattened = isFlattened
    }
}

public final class StringShape: Sendable {
    public let min: Int?
    public let max: Int?
    public let pattern: String?
    public let enumValues: [String]?
    public let isSensitive: Bool

    public init(min: Int?, max: Int?, pattern: String?, enumValues: [String]?, isSensitive: Bool) {
        self.min = min
        self.max = max
        self.pattern = pattern
        self.enumValues = enumValues
        self.isSensitive = isSensitive
    }
}

public struct NumberShape: Sendable {
    public let min: Double?
    public let max: Double?
}

/// Shapes are classes: the serializers look shapes up for every value they write, and a struct
/// copy would retain each of its arrays and dictionaries on every lookup.
public final class Shape: Sendable {
    public enum Kind: Sendable {
        case structure(StructureShape)
        case list(ListShape)
        case map(MapShape)
        case string(StringShape)
        case integer(NumberShape)
        case long(NumberShape)
        case float(NumberShape)
        case double(NumberShape)
        case boolean
        case timestamp(TimestampFormat?)
        case blob(min: Int?, max: Int?)
    }

    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var structure: StructureShape? {
        if case .structure(let s) = kind { return s }
        return nil
    }

    public var typeName: String {
        switch kind {
        case .structure: return "structure"
        case .list: return "list"
        case .map: return "map"
        case .string: return "string"
        case .integer: return "integer"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .boolean: return "boolean"
        case .timestamp: return "timestamp"
        case .blob: return "blob"
        }
    }
}
