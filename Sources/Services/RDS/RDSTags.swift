import AWSWire
import GRDB
import State

// Nested: Directory Service has operations of the same names.
extension RDSService {
    struct AddTagsToResourceRequest: Decodable, Sendable {
        var resourceName: String
        var tags: [Tag]
    }

    struct ListTagsForResourceRequest: Decodable, Sendable {
        var resourceName: String
    }

    struct TagListMessage: Encodable, Sendable {
        var tagList: [Tag]
    }

    struct RemoveTagsFromResourceRequest: Decodable, Sendable {
        var resourceName: String
        var tagKeys: [String]
    }
}

extension RDSService {
    mutating func registerTags() {
        let store = store

        operations.on("AddTagsToResource") { (input: AddTagsToResourceRequest, call) -> Empty in
            try await store.write { db in
                try ResourceTags.merge(input.tags, into: try RDSTagTarget.key(of: input.resourceName, call, db), db)
            }
            return Empty()
        }

        operations.on("ListTagsForResource") { (input: ListTagsForResourceRequest, call) -> TagListMessage in
            try await store.read { db in
                TagListMessage(tagList: try ResourceTags.of(try RDSTagTarget.key(of: input.resourceName, call, db), db))
            }
        }

        operations.on("RemoveTagsFromResource") { (input: RemoveTagsFromResourceRequest, call) -> Empty in
            try await store.write { db in
                try ResourceTags.remove(keys: input.tagKeys, from: try RDSTagTarget.key(of: input.resourceName, call, db), db)
            }
            return Empty()
        }
    }
}

/// Where the tags of an RDS ARN are kept: an instance's, cluster's, endpoint's or snapshot's
/// under its resource id (they follow the resource, not its name), groups' under their ARN.
enum RDSTagTarget {
    static func key(of arn: String, _ call: CallContext, _ db: Database) throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "rds" else {
            throw RDSError.invalidParameterValue("Invalid resource name: \(arn)")
        }
        guard parts[3] == call.region, parts[4] == call.accountId else {
            throw RDSError.invalidParameterValue("The specified resource name does not match an RDS resource in this region.")
        }
        let name = parts[6]
        switch parts[5] {
        case "db":
            return try InstanceRules.instance(name, call, db).resourceId
        case "snapshot":
            return try (SnapshotRecords.named(name, call, db) as RDSSnapshot).snapshotId
        case "cluster":
            return try ClusterRules.cluster(name, call, db).resourceId
        case "cluster-snapshot":
            return try (SnapshotRecords.named(name, call, db) as RDSClusterSnapshot).snapshotId
        case "cluster-endpoint":
            return try ClusterEndpointRules.endpoint(name, call, db).resourceId
        case "cluster-pg":
            guard try RDSParameterGroup.named(name, scope: .cluster, account: call.accountId, region: call.region).fetchCount(db) > 0 else {
                throw RDSError.clusterParameterGroupNotFound(name)
            }
            return arn
        case "subgrp":
            guard try RDSSubnetGroup.named(name, account: call.accountId, region: call.region).fetchCount(db) > 0 else {
                throw RDSError.subnetGroupNotFound(name)
            }
            return arn
        case "pg":
            guard try RDSParameterGroup.named(name, scope: .instance, account: call.accountId, region: call.region).fetchCount(db) > 0 else {
                throw RDSError.parameterGroupNotFound(name)
            }
            return arn
        default:
            throw RDSError.invalidParameterValue("Invalid resource name: \(arn)")
        }
    }
}

extension RDSTagTarget {
    /// The resource's name in an identifier or an RDS ARN of it (requests may give either).
    static func resourceName(_ identifierOrArn: String) -> String {
        identifierOrArn.hasPrefix("arn:") ? String(identifierOrArn.split(separator: ":").last ?? "") : identifierOrArn
    }
}
