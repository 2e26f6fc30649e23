/// One operation of a service model.
public struct OperationModel: Sendable {
    public let name: String
    public let httpMethod: String
    /// The path part of `requestUri`, e.g. `/Users/CreateUser`.
    public let requestPath: String
    /// Literal query parameters that are part of `requestUri` (`/x?list-type=2`).
    public let requestLiteralQuery: [(String, String)]
    public let successStatus: Int
    public let input: ShapeID?
    public let output: ShapeID?
    /// Query protocol: the element that wraps the output members, e.g. `GetCallerIdentityResult`.
    public let resultWrapper: String?
    public let errors: [ShapeID]
    /// True when the operation is called without a signature (`smithy.api#noAuth`).
    public let isUnsigned: Bool
}
