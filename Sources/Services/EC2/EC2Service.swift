import AWSWire
import State

/// Amazon EC2's networking, as much as directories and databases live in: VPCs, subnets,
/// security groups, peering, and the network interfaces services create.
public struct EC2Service: AWSService {
    public let signingName = "ec2"
    public let validationStyle = ValidationStyle.ec2
    public internal(set) var operations = OperationTable()
    let store: Store

    public init(store: Store) {
        self.store = store
    }
}
