import AWSWire

/// RDS's errors, with the codes and statuses of its model (`DBInstanceNotFound` 404, …) and
/// the common ones the model does not list (`InvalidParameterValue`, `InvalidParameterCombination`).
enum RDSError {
    static func invalidParameterValue(_ message: String) -> AWSError { AWSError(code: "InvalidParameterValue", status: 400, message: message) }
    static func invalidParameterCombination(_ message: String) -> AWSError { AWSError(code: "InvalidParameterCombination", status: 400, message: message) }
    static func missingParameter(_ message: String) -> AWSError { AWSError(code: "MissingParameter", status: 400, message: message) }
    static func instanceNotFound(_ identifier: String) -> AWSError {
        AWSError(code: "DBInstanceNotFound", status: 404, message: "DBInstance \(identifier) not found.")
    }
    static let instanceAlreadyExists = AWSError(code: "DBInstanceAlreadyExists", status: 400, message: "DB instance already exists")
    static func invalidInstanceState(_ message: String) -> AWSError { AWSError(code: "InvalidDBInstanceState", status: 400, message: message) }
    static func domainNotFound(_ domain: String) -> AWSError {
        AWSError(code: "DomainNotFoundFault", status: 404, message: "Domain \(domain) doesn't refer to an existing Active Directory domain")
    }
    static let invalidDomainRole = invalidParameterValue("IAM role provided is not valid, please check that the role exists and has the correct policies")
    static func subnetGroupNotFound(_ name: String) -> AWSError {
        AWSError(code: "DBSubnetGroupNotFoundFault", status: 404, message: "DBSubnetGroup \(name) not found.")
    }
    static func parameterGroupNotFound(_ name: String) -> AWSError {
        AWSError(code: "DBParameterGroupNotFound", status: 404, message: "DBParameterGroup not found: \(name)")
    }
    static func clusterParameterGroupNotFound(_ name: String) -> AWSError {
        AWSError(code: "DBClusterParameterGroupNotFound", status: 404, message: "DBClusterParameterGroup not found: \(name)")
    }
    static func securityGroupNotFound(_ id: String) -> AWSError {
        invalidParameterValue("Invalid security group , groupId= \(id) , groupName=.")
    }
    static let invalidMarker = invalidParameterValue("Invalid marker.")
}
