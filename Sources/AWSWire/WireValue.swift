import Foundation

/// A protocol-neutral value of some model shape: what request decoders produce and response
/// serializers consume. Structure members are keyed by the lower-cased member name
/// (`Member.key`), which is also what Swift property names lower-case to.
public enum WireValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case double(Double)
    case boolean(Bool)
    case timestamp(Date)
    case blob([UInt8])
    case list([WireValue])
    case map([String: WireValue])
    case structure([String: WireValue])

    public static let emptyStructure = WireValue.structure([:])

    public subscript(key: String) -> WireValue? {
        if case .structure(let members) = self { return members[key.lowercased()] }
        return nil
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

// WireValue passes through the Codable bridge untouched, so a service may hand back (or take in)
// a value the model describes but no Swift struct does.
extension WireValue: Codable {
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? ValueDecoder else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "WireValue decodes only through WireDecoder"))
        }
        self = decoder.value
    }

    public func encode(to encoder: any Encoder) throws {
        guard let encoder = encoder as? NodeEncoder else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "WireValue encodes only through WireEncoder"))
        }
        encoder.node.value = self
    }
}
