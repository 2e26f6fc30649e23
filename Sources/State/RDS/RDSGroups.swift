import Foundation
import GRDB

/// A DB subnet group: the VPC and subnets a DB instance is placed in.
public struct RDSSubnetGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_subnet_group"

    public var accountId: String
    public var region: String
    /// Stored lower-case, as RDS does.
    public var name: String
    public var description: String
    public var vpcId: String
    public var subnetIds: [String]
    public var createdAt: Date

    public init(accountId: String, region: String, name: String, description: String, vpcId: String, subnetIds: [String], createdAt: Date) {
        self.accountId = accountId
        self.region = region
        self.name = name
        self.description = description
        self.vpcId = vpcId
        self.subnetIds = subnetIds
        self.createdAt = createdAt
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):subgrp:\(name)" }

    public static func named(_ name: String, account: String, region: String) -> QueryInterfaceRequest<RDSSubnetGroup> {
        filter(Column("accountId") == account && Column("region") == region && Column("name") == name.lowercased())
    }
}

/// A DB parameter group; its parameters that differ from the family's defaults are rows of
/// `RDSParameter`.
public struct RDSParameterGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_parameter_group"

    public var accountId: String
    public var region: String
    /// DB parameter groups and DB cluster parameter groups are apart: each kind has its own names.
    public var scope: RDSParameterScope
    /// Stored lower-case, as RDS does.
    public var name: String
    /// `postgres16`, `aurora-postgresql16`, …
    public var family: String
    public var description: String
    public var createdAt: Date

    public init(accountId: String, region: String, scope: RDSParameterScope, name: String, family: String, description: String, createdAt: Date) {
        self.accountId = accountId
        self.region = region
        self.scope = scope
        self.name = name
        self.family = family
        self.description = description
        self.createdAt = createdAt
    }

    public var arn: String { "arn:aws:rds:\(region):\(accountId):\(scope.arnType):\(name)" }

    public static func named(_ name: String, scope: RDSParameterScope, account: String, region: String) -> QueryInterfaceRequest<RDSParameterGroup> {
        filter(Column("accountId") == account && Column("region") == region && Column("scope") == scope.rawValue
               && Column("name") == name.lowercased())
    }
}

/// Which kind of parameter group: a DB instance's or a DB cluster's.
public enum RDSParameterScope: String, Codable, Sendable, DatabaseValueConvertible {
    case instance = "db"
    case cluster

    /// The resource type in the group's ARN.
    public var arnType: String { self == .instance ? "pg" : "cluster-pg" }
}

/// A parameter set in a DB parameter group (user-modified values only).
public struct RDSParameter: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rds_db_parameter"

    public var accountId: String
    public var region: String
    public var scope: RDSParameterScope
    public var groupName: String
    public var name: String
    public var value: String
    /// `immediate` or `pending-reboot`.
    public var applyMethod: String

    public init(accountId: String, region: String, scope: RDSParameterScope, groupName: String, name: String, value: String, applyMethod: String) {
        self.accountId = accountId
        self.region = region
        self.scope = scope
        self.groupName = groupName
        self.name = name
        self.value = value
        self.applyMethod = applyMethod
    }

    public static func of(group: String, scope: RDSParameterScope, account: String, region: String) -> QueryInterfaceRequest<RDSParameter> {
        filter(Column("accountId") == account && Column("region") == region && Column("scope") == scope.rawValue
               && Column("groupName") == group.lowercased())
            .order(Column("name"))
    }
}
