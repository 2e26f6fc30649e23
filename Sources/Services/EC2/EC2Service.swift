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
        registerVPCs()
        registerSubnets()
        registerSecurityGroups()
        registerSecurityGroupRules()
        registerPeering()
        registerTags()
        registerRegions()
        registerNetworkInterfaces()
        registerRouting()
    }

    /// Registers an EC2 operation. Every call answers `DryRun` first, then makes sure the
    /// caller's region has had its default VPC made, as every AWS account has one.
    mutating func on<Input: EC2Request, Output: Encodable & Sendable>(
        _ name: String, _ body: @escaping @Sendable (Input, CallContext) async throws -> Output
    ) {
        let store = self.store
        operations.on(name) { (input: Input, call) -> Output in
            if input.dryRun == true { throw EC2Error.dryRunOperation }
            if try await store.read({ db in try EC2Network.needsDefaultVPC(call.accountId, call.region, db) }) {
                _ = try await store.write { db in try EC2Network.ensureDefaultVPC(call.accountId, call.region, now: call.now, db) }
            }
            return try await body(input, call)
        }
    }
}

/// An EC2 request: most carry `DryRun`.
protocol EC2Request: Decodable, Sendable {
    var dryRun: Bool? { get }
}

extension EC2Request {
    var dryRun: Bool? { nil }
}

/// `Return` answers of the operations that only say they succeeded.
struct ReturnResponse: Encodable, Sendable {
    var `return` = true
}
