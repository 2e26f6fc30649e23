import AWSWire

/// IAM's errors, with AWS's codes, statuses and wording.
enum IAMError {
    static func noSuchEntity(_ message: String) -> AWSError { AWSError(code: "NoSuchEntity", status: 404, message: message) }
    static func entityAlreadyExists(_ message: String) -> AWSError { AWSError(code: "EntityAlreadyExists", status: 409, message: message) }
    static func deleteConflict(_ message: String) -> AWSError { AWSError(code: "DeleteConflict", status: 409, message: message) }
    static func limitExceeded(_ message: String) -> AWSError { AWSError(code: "LimitExceeded", status: 409, message: message) }
    static func malformedPolicyDocument(_ message: String) -> AWSError { AWSError(code: "MalformedPolicyDocument", status: 400, message: message) }
    static func invalidInput(_ message: String) -> AWSError { AWSError(code: "InvalidInput", status: 400, message: message) }
    static func validation(_ message: String) -> AWSError { AWSError(code: "ValidationError", status: 400, message: message) }
    static func unmodifiableEntity(_ message: String) -> AWSError { AWSError(code: "UnmodifiableEntity", status: 400, message: message) }
    static func accessDenied(_ message: String) -> AWSError { AWSError(code: "AccessDenied", status: 403, message: message) }

    static func noSuchUser(_ name: String) -> AWSError { noSuchEntity("The user with name \(name) cannot be found.") }
    static func noSuchRole(_ name: String) -> AWSError { noSuchEntity("The role with name \(name) cannot be found.") }
    static func noSuchGroup(_ name: String) -> AWSError { noSuchEntity("The group with name \(name) cannot be found.") }
    static func noSuchInstanceProfile(_ name: String) -> AWSError { noSuchEntity("Instance Profile \(name) cannot be found.") }
    static func noSuchPolicy(_ arn: String) -> AWSError { noSuchEntity("Policy \(arn) was not found.") }
    static func notAttachable(_ arn: String) -> AWSError { noSuchEntity("Policy \(arn) does not exist or is not attachable.") }
    static let invalidMarker = invalidInput("Invalid Marker.")
}
