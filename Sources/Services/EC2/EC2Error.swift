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

    /// Every operation's answer to `DryRun=true` from a caller allowed to make the call.
    static let dryRunOperation = AWSError(code: "DryRunOperation", status: 412,
                                          message: "Request would have succeeded, but DryRun flag is set.")

    static func malformedGroupId(_ id: String) -> AWSError {
        AWSError(code: "InvalidGroupId.Malformed", status: 400, message: "Invalid id: \"\(id)\" (expecting \"sg-...\")")
    }
    static func groupNameNotFound(_ name: String, vpcId: String?) -> AWSError {
        if let vpcId {
            return AWSError(code: "InvalidGroup.NotFound", status: 400,
                            message: "The security group '\(name)' does not exist in default VPC '\(vpcId)'")
        }
        return AWSError(code: "InvalidGroup.NotFound", status: 400, message: "The security group '\(name)' does not exist")
    }
    static func groupDuplicate(_ name: String, vpcId: String) -> AWSError {
        AWSError(code: "InvalidGroup.Duplicate", status: 400, message: "The security group '\(name)' already exists for VPC '\(vpcId)'")
    }
    static func ruleNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidSecurityGroupRuleId.NotFound", status: 400, message: "The security group rule ID '\(id)' does not exist")
    }
    static let permissionNotFound = AWSError(code: "InvalidPermission.NotFound", status: 400,
                                             message: "The specified rule does not exist in this security group.")
    static func permissionDuplicate(_ rule: String) -> AWSError {
        AWSError(code: "InvalidPermission.Duplicate", status: 400, message: "the specified rule \"\(rule)\" already exists")
    }
    static func permissionMalformed(_ message: String) -> AWSError {
        AWSError(code: "InvalidPermission.Malformed", status: 400, message: message)
    }
    static let rulesLimitExceeded = AWSError(code: "RulesPerSecurityGroupLimitExceeded", status: 400,
                                             message: "The maximum number of rules per security group has been reached.")
    static let noDefaultVPC = AWSError(code: "VPCIdNotSpecified", status: 400, message: "No default VPC for this user")
    static func networkInterfaceNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidNetworkInterfaceID.NotFound", status: 400, message: "The networkInterface ID '\(id)' does not exist")
    }
    static func routeTableNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidRouteTableID.NotFound", status: 400, message: "The routeTable ID '\(id)' does not exist")
    }
    static func networkAclNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidNetworkAclID.NotFound", status: 400, message: "The networkAcl ID '\(id)' does not exist")
    }
    static func invalidID(_ id: String) -> AWSError { AWSError(code: "InvalidID", status: 400, message: "The ID '\(id)' is not valid") }
    static func invalidFilter(_ name: String) -> AWSError { invalidParameterValue("The filter '\(name)' is invalid") }
    static func invalidToken(_ token: String) -> AWSError {
        invalidParameterValue("Value ( \(token) ) for parameter NextToken is invalid. The token is invalid.")
    }
    static func invalidCIDR(_ cidr: String, parameter: String) -> AWSError {
        invalidParameterValue("Value (\(cidr)) for parameter \(parameter) is invalid. This is not a valid CIDR block.")
    }
    static func vpcRange(_ cidr: String) -> AWSError { AWSError(code: "InvalidVpc.Range", status: 400, message: "The CIDR '\(cidr)' is invalid.") }
    static func subnetRange(_ cidr: String) -> AWSError { AWSError(code: "InvalidSubnet.Range", status: 400, message: "The CIDR '\(cidr)' is invalid.") }
    static func subnetConflict(_ cidr: String) -> AWSError {
        AWSError(code: "InvalidSubnet.Conflict", status: 400, message: "The CIDR '\(cidr)' conflicts with another subnet")
    }
    static let vpcLimitExceeded = AWSError(code: "VpcLimitExceeded", status: 400, message: "The maximum number of VPCs has been reached.")
    static let tagLimitExceeded = AWSError(code: "TagLimitExceeded", status: 400, message: "The maximum number of Tags for a resource has been reached.")
    static func peeringAlreadyExists(_ id: String) -> AWSError {
        AWSError(code: "VpcPeeringConnectionAlreadyExists", status: 400,
                 message: "A VPC peering connection \(id) already exists between the specified VPCs.")
    }
    static func invalidStateTransition(_ id: String, from status: String, to target: String) -> AWSError {
        AWSError(code: "InvalidStateTransition", status: 400,
                 message: "Invalid state transition for \(id), attempted to transition from \(status) to \(target)")
    }
    static func operationNotPermitted(_ message: String) -> AWSError { AWSError(code: "OperationNotPermitted", status: 400, message: message) }
}
