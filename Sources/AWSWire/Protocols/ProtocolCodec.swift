import Foundation

/// Why a request's input could not be read.
public enum InputError: Error, Sendable {
    /// The body or query string is not well-formed for the protocol at all.
    case malformed(String)
    /// Well-formed, but members are missing or of the wrong type or out of bounds.
    case invalid([Violation])
}

/// One codec per protocol: it reads an operation's input from a request and writes its output
/// and errors. Everything it needs to know about names and nesting comes from the model.
public protocol ProtocolCodec: Sendable {
    var model: ServiceModel { get }

    /// `form` carries the already-parsed parameters of query-style requests.
    func decodeInput(_ operation: OperationModel, from request: WireRequest, form: FormParameters?) throws(InputError) -> WireValue

    func encodeOutput(_ operation: OperationModel, _ output: WireValue, requestID: String) throws(AWSError) -> WireResponse

    func encodeError(_ error: AWSError, requestID: String) -> WireResponse

    /// The error for a body that does not parse (`SerializationException`, `MalformedQueryString`).
    func malformedInputError(_ detail: String) -> AWSError

    /// The protocol's answer to an operation the service does not have.
    func unknownOperationError(_ name: String) -> AWSError
}

extension ServiceModel {
    /// The codec for this model's protocol.
    public func makeCodec() -> any ProtocolCodec {
        switch metadata.wireProtocol {
        case .query: return QueryCodec(model: self, dialect: .query)
        case .ec2: return QueryCodec(model: self, dialect: .ec2)
        case .json: return JSONCodec(model: self)
        case .restJSON: return RestJSONCodec(model: self)
        }
    }
}

/// Scalar conversions shared by the codecs that read text (query strings, headers, URIs).
enum ScalarText {
    static func decode(_ text: String, as shape: Shape, path: [String]) throws(InputError) -> WireValue {
        func wrong(_ expected: String) -> InputError {
            .invalid([Violation(path: path, kind: .wrongType(expected: expected), value: text)])
        }
        switch shape.kind {
        case .string: return .string(text)
        case .integer, .long:
            guard let number = Int64(text.trimmingSpaces()) else { throw wrong("integer") }
            return .integer(number)
        case .float, .double:
            guard let number = Double(text.trimmingSpaces()) else { throw wrong("number") }
            return .double(number)
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw wrong("boolean")
            }
        case .timestamp:
            guard let date = Timestamps.parse(text) else { throw wrong("timestamp") }
            return .timestamp(date)
        case .blob:
            guard let data = Data(base64Encoded: text) else { throw wrong("base64 value") }
            return .blob(Array(data))
        case .structure, .list, .map:
            throw wrong(shape.typeName)
        }
    }

    static func encode(_ value: WireValue, format: TimestampFormat) -> String? {
        switch value {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .boolean(let b): return b ? "true" : "false"
        case .timestamp(let date):
            switch format {
            case .iso8601: return Timestamps.iso8601(date)
            case .rfc822: return Timestamps.rfc822(date)
            case .unixTimestamp: return Timestamps.epochLiteral(date)
            }
        case .blob(let bytes): return Data(bytes).base64EncodedString()
        case .list, .map, .structure: return nil
        }
    }
}

/// Raised while serializing output that does not fit its shape: a bug in Kerbside, reported as
/// `InternalFailure` naming the member so it is quick to fix. The member path is assembled as
/// the error travels up, so writing output that fits costs nothing for it.
struct OutputMismatch: Error {
    var path: [String] = []
    let problem: String

    init(_ problem: String) {
        self.problem = problem
    }

    func under(_ name: String) -> OutputMismatch {
        var copy = self
        copy.path.insert(name, at: 0)
        return copy
    }

    var awsError: AWSError {
        .internalFailure("output does not match the model at \(path.joined(separator: ".")): \(problem)")
    }
}


