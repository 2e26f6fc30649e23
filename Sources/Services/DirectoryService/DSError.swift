import AWSWire

/// Directory Service's errors. Its model gives them no status codes, so all are 400, as AWS
/// answers them; `ServiceException` is the service's own fault.
enum DSError {
    static func entityDoesNotExist(_ message: String) -> AWSError { AWSError(code: "EntityDoesNotExistException", status: 400, message: message) }
    static func entityAlreadyExists(_ message: String) -> AWSError { AWSError(code: "EntityAlreadyExistsException", status: 400, message: message) }
    static func invalidParameter(_ message: String) -> AWSError { AWSError(code: "InvalidParameterException", status: 400, message: message) }
    static func client(_ message: String) -> AWSError { AWSError(code: "ClientException", status: 400, message: message) }
    static func service(_ message: String) -> AWSError { AWSError(code: "ServiceException", status: 500, message: message) }
    static func unsupportedOperation(_ message: String) -> AWSError { AWSError(code: "UnsupportedOperationException", status: 400, message: message) }
    static func directoryLimitExceeded(_ message: String) -> AWSError { AWSError(code: "DirectoryLimitExceededException", status: 400, message: message) }
    static func directoryUnavailable(_ message: String) -> AWSError { AWSError(code: "DirectoryUnavailableException", status: 400, message: message) }
    static func directoryInDesiredState(_ message: String) -> AWSError { AWSError(code: "DirectoryInDesiredStateException", status: 400, message: message) }
    static func directoryDoesNotExist(_ message: String) -> AWSError { AWSError(code: "DirectoryDoesNotExistException", status: 400, message: message) }
    static func invalidPassword(_ message: String) -> AWSError { AWSError(code: "InvalidPasswordException", status: 400, message: message) }
    static func userDoesNotExist(_ message: String) -> AWSError { AWSError(code: "UserDoesNotExistException", status: 400, message: message) }
    static func directoryAlreadyShared(_ message: String) -> AWSError { AWSError(code: "DirectoryAlreadySharedException", status: 400, message: message) }
    static func invalidTarget(_ message: String) -> AWSError { AWSError(code: "InvalidTargetException", status: 400, message: message) }
    static func directoryNotShared(_ message: String) -> AWSError { AWSError(code: "DirectoryNotSharedException", status: 400, message: message) }

    static func noDirectory(_ id: String) -> AWSError { entityDoesNotExist("Directory \(id) does not exist.") }
}
