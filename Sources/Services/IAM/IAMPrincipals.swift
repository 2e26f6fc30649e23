import AWSWire
import GRDB
import State

/// Users, groups and roles all carry managed and inline policies; the operations on them differ
/// only in the noun and the name member (`UserName`, `GroupName`, `RoleName`).
struct IAMPrincipalRef: Sendable {
    let kind: IAMPrincipalKind
    let id: String
    let name: String
}

extension IAMPrincipalKind: CaseIterable {
    public static let allCases: [IAMPrincipalKind] = [.user, .group, .role]

    /// `User`, `Group`, `Role`: the noun in operation names.
    var noun: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    /// The input and output member naming the entity: `userName`, `groupName`, `roleName`.
    var nameKey: String { rawValue + "Name" }

    /// IAM's per-entity quotas.
    var attachedPolicyQuota: (name: String, limit: Int) {
        switch self {
        case .user: return ("PoliciesPerUser", 10)
        case .group: return ("PoliciesPerGroup", 10)
        case .role: return ("PoliciesPerRole", 10)
        }
    }

    /// Aggregate size of inline policies, in characters.
    var inlinePolicySizeLimit: Int {
        switch self {
        case .user: return 2048
        case .group: return 5120
        case .role: return 10240
        }
    }

    func lookup(_ name: String, _ accountId: String, _ db: Database) throws -> IAMPrincipalRef {
        switch self {
        case .user:
            let user = try IAMLookup.user(name, accountId, db)
            return IAMPrincipalRef(kind: self, id: user.userId, name: user.userName)
        case .group:
            let group = try IAMLookup.group(name, accountId, db)
            return IAMPrincipalRef(kind: self, id: group.groupId, name: group.groupName)
        case .role:
            let role = try IAMLookup.role(name, accountId, db)
            return IAMPrincipalRef(kind: self, id: role.roleId, name: role.roleName)
        }
    }
}

/// A coding key built at run time, for members whose name depends on the principal kind.
struct DynamicKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Input of the per-principal policy operations: the entity name under whichever of
/// `UserName`/`GroupName`/`RoleName` the operation has, plus the policy members.
struct PrincipalPolicyRequest: Decodable, Sendable {
    var principalName: String
    var policyArn: String?
    var policyName: String?
    var policyDocument: String?
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DynamicKey.self)
        let name = try IAMPrincipalKind.allCases.lazy.compactMap { kind in
            try container.decodeIfPresent(String.self, forKey: DynamicKey(kind.nameKey))
        }.first
        guard let name else { throw InvalidInput(violation: Violation(path: ["Name"], kind: .missing, value: nil)) }
        principalName = name
        policyArn = try container.decodeIfPresent(String.self, forKey: DynamicKey("policyArn"))
        policyName = try container.decodeIfPresent(String.self, forKey: DynamicKey("policyName"))
        policyDocument = try container.decodeIfPresent(String.self, forKey: DynamicKey("policyDocument"))
        pathPrefix = try container.decodeIfPresent(String.self, forKey: DynamicKey("pathPrefix"))
        marker = try container.decodeIfPresent(String.self, forKey: DynamicKey("marker"))
        maxItems = try container.decodeIfPresent(Int.self, forKey: DynamicKey("maxItems"))
    }
}
