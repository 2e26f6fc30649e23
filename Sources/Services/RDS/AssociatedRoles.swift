import AWSWire
import Foundation
import GRDB
import State

extension RDSService {
    struct InstanceRoleRequest: Decodable, Sendable {
        var dbInstanceIdentifier: String
        var roleArn: String
        var featureName: String
    }

    struct ClusterRoleRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var roleArn: String
        var featureName: String?
    }

    /// IAM roles associated with an instance or cluster for a feature (S3 import and export,
    /// Lambda): kept and shown as `AssociatedRoles`, as Terraform's `iam_roles` reads them back.
    mutating func registerAssociatedRoles() {
        let store = store

        operations.on("AddRoleToDBInstance") { (input: InstanceRoleRequest, call) -> Empty in
            try await store.write { db in
                var instance = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                try AssociatedRoles.checkRole(input.roleArn, call, db)
                guard instance.status == "available" else {
                    throw RDSError.invalidInstanceState("DB instance \(instance.identifier) is not available: it is \(instance.status).")
                }
                guard !instance.associatedRoles.contains(where: { $0.roleArn == input.roleArn || $0.featureName == input.featureName }) else {
                    throw AWSError(code: "DBInstanceRoleAlreadyExists", status: 400,
                                   message: "Role \(input.roleArn) or feature \(input.featureName) is already associated with DB instance \(instance.identifier).")
                }
                guard instance.associatedRoles.count < AssociatedRoles.limit else {
                    throw AWSError(code: "DBInstanceRoleQuotaExceeded", status: 400, message: "DB instance \(instance.identifier) has \(AssociatedRoles.limit) roles already.")
                }
                instance.associatedRoles.append(RDSAssociatedRole(roleArn: input.roleArn, featureName: input.featureName, status: "ACTIVE"))
                try instance.update(db)
            }
            return Empty()
        }

        operations.on("RemoveRoleFromDBInstance") { (input: InstanceRoleRequest, call) -> Empty in
            try await store.write { db in
                var instance = try InstanceRules.instance(input.dbInstanceIdentifier, call, db)
                guard instance.associatedRoles.contains(where: { $0.roleArn == input.roleArn && $0.featureName == input.featureName }) else {
                    throw AWSError(code: "DBInstanceRoleNotFound", status: 404,
                                   message: "Role \(input.roleArn) with feature \(input.featureName) is not associated with DB instance \(instance.identifier).")
                }
                instance.associatedRoles.removeAll { $0.roleArn == input.roleArn && $0.featureName == input.featureName }
                try instance.update(db)
            }
            return Empty()
        }

        operations.on("AddRoleToDBCluster") { (input: ClusterRoleRequest, call) -> Empty in
            try await store.write { db in
                var cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                try AssociatedRoles.checkRole(input.roleArn, call, db)
                try ClusterRules.requireAvailable(cluster)
                guard !cluster.associatedRoles.contains(where: { $0.roleArn == input.roleArn }) else {
                    throw AWSError(code: "DBClusterRoleAlreadyExists", status: 400,
                                   message: "Role \(input.roleArn) is already associated with DB cluster \(cluster.identifier).")
                }
                guard cluster.associatedRoles.count < AssociatedRoles.limit else {
                    throw AWSError(code: "DBClusterRoleQuotaExceeded", status: 400, message: "DB cluster \(cluster.identifier) has \(AssociatedRoles.limit) roles already.")
                }
                cluster.associatedRoles.append(RDSAssociatedRole(roleArn: input.roleArn, featureName: input.featureName, status: "ACTIVE"))
                try cluster.update(db)
            }
            return Empty()
        }

        operations.on("RemoveRoleFromDBCluster") { (input: ClusterRoleRequest, call) -> Empty in
            try await store.write { db in
                var cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                guard cluster.associatedRoles.contains(where: { $0.roleArn == input.roleArn }) else {
                    throw AWSError(code: "DBClusterRoleNotFound", status: 404,
                                   message: "Role \(input.roleArn) is not associated with DB cluster \(cluster.identifier).")
                }
                cluster.associatedRoles.removeAll { $0.roleArn == input.roleArn }
                try cluster.update(db)
            }
            return Empty()
        }
    }
}

enum AssociatedRoles {
    static let limit = 5

    /// The role must exist in the caller's account.
    static func checkRole(_ arn: String, _ call: CallContext, _ db: Database) throws {
        let name = arn.split(separator: "/").last.map(String.init) ?? ""
        guard arn.hasPrefix("arn:aws:iam::\(call.accountId):role/"), try IAMRole.named(name, in: call.accountId).fetchOne(db) != nil else {
            throw RDSError.invalidParameterValue("The role ARN \(arn) is not valid: no such IAM role in account \(call.accountId).")
        }
    }
}
