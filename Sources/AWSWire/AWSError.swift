/// An error as AWS reports it: a code, an HTTP status and a message a user can act on.
/// Extra members of the error shape (`Reason`, `RetryAfterSeconds`) travel in `fields`.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var status: Int
    public var fields: [String: WireValue]

    public init(code: String, status: Int, message: String, fields: [String: WireValue] = [:]) {
        self.code = code
        self.status = status
        self.message = message
        self.fields = fields
    }

    public var isSenderFault: Bool { status < 500 }

    public var description: String { "\(code) (\(status)): \(message)" }
}

extension AWSError {
    /// A fault in Kerbside itself; never expected, always worth a bug report.
    public static func internalFailure(_ message: String) -> AWSError {
        AWSError(code: "InternalFailure", status: 500, message: message)
    }

    public static func notImplemented(service: String, operation: String) -> AWSError {
        AWSError(code: "NotImplemented", status: 501,
                 message: "Kerbside does not implement \(service):\(operation) yet.")
    }
}
