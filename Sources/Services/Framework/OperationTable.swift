import AWSWire

/// A service's operations, each a typed handler: the input struct is decoded from the request,
/// the output struct encoded into the response, both by the service model.
public struct OperationTable: Sendable {
    public typealias Handler = @Sendable (WireValue, CallContext) async throws -> WireValue

    private var handlers: [String: Handler] = [:]

    public init() {}

    public var operationNames: [String] { handlers.keys.sorted() }

    public func handler(for operation: String) -> Handler? { handlers[operation] }

    public mutating func on<Input: Decodable, Output: Encodable>(
        _ name: String, _ body: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) {
        handlers[name] = { wire, context in
            let input: Input
            do {
                input = try WireDecoder.decode(Input.self, from: wire)
            } catch let error as WireDecodingError {
                throw InvalidInput(violation: Violation(path: error.memberPath.split(separator: ".").map(String.init), kind: .missing, value: nil))
            }
            return try WireEncoder.encode(try await body(input, context))
        }
    }
}

/// Thrown by handlers whose input struct needs a member the model leaves optional; answered
/// with the service's own validation error.
public struct InvalidInput: Error, Sendable {
    public let violation: Violation
}

/// Input or output with no members.
public struct Empty: Codable, Sendable {
    public init() {}
}

/// A service Kerbside emulates: its rules, keyed by operation name.
public protocol AWSService: Sendable {
    /// The SigV4 signing name, which is also the model's name (`iam`, `ds-data`).
    var signingName: String { get }
    var validationStyle: ValidationStyle { get }
    var operations: OperationTable { get }
}
