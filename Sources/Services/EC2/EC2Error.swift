import AWSWire

/// EC2's errors, with its codes (EC2 answers most refusals with HTTP 400).
enum EC2Error {
    static func invalidParameterValue(_ message: String) -> AWSError { AWSError(code: "InvalidParameterValue", status: 400, message: message) }
    static func invalidParameterCombination(_ message: String) -> AWSError { AWSError(code: "InvalidParameterCombination", status: 400, message: message) }
    static func missingParameter(_ message: String) -> AWSError { AWSError(code: "MissingParameter", status: 400, message: message) }
    static func dependencyViolation(_ message: String) -> AWSError { AWSError(code: "DependencyViolation", status: 400, message: message) }
    static func vpcNotFound(_ id: String) -> AWSError { AWSError(code: "InvalidVpcID.NotFound", status: 400, message: "The vpc ID '\(id)' does not exist") }
    static func subnetNotFound(_ id: String) -> AWSError { AWSError(code: "InvalidSubnetID.NotFound", status: 400, message: "The subnet ID '\(id)' does not exist") }
    static func groupNotFound(_ id: String) -> AWSError { AWSError(code: "InvalidGroup.NotFound", status: 400, message: "The security group '\(id)' does not exist") }
    static func peeringNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidVpcPeeringConnectionID.NotFound", status: 400, message: "The vpcPeeringConnection ID '\(id)' does not exist")
    }
}
