import GRDB

/// A key/value tag, as every AWS service models them.
public struct Tag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One row of the tag table shared by every service. Tags live apart from their resources so
/// listings never pay for them, and each resource kind needs no tag columns of its own.
struct ResourceTag: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "resource_tag"

    /// The resource's stable id: an IAM unique id, a directory id, an ARN.
    var resourceId: String
    /// Tags come back in the order they were first given.
    var position: Int
    var key: String
    var value: String
}

/// Reads and changes the tags of any resource.
public enum ResourceTags {
    public static func of(_ resourceId: String, _ db: Database) throws -> [Tag] {
        try ResourceTag.cachedRequest(where: ["resourceId"], [resourceId], orderedBy: "position").fetchAll(db)
            .map { Tag(key: $0.key, value: $0.value) }
    }

    /// Adds tags or replaces their values by key; returns the resource's tags afterwards.
    @discardableResult
    public static func merge(_ tags: [Tag], into resourceId: String, _ db: Database) throws -> [Tag] {
        var current = try of(resourceId, db)
        for tag in tags {
            if let index = current.firstIndex(where: { $0.key == tag.key }) {
                current[index].value = tag.value
            } else {
                current.append(tag)
            }
        }
        try replace(resourceId, with: current, db)
        return current
    }

    public static func remove(keys: [String], from resourceId: String, _ db: Database) throws {
        try ResourceTag.filter(Column("resourceId") == resourceId && keys.contains(Column("key"))).deleteAll(db)
    }

    private static func replace(_ resourceId: String, with tags: [Tag], _ db: Database) throws {
        try ResourceTag.filter(Column("resourceId") == resourceId).deleteAll(db)
        for (position, tag) in tags.enumerated() {
            try ResourceTag(resourceId: resourceId, position: position, key: tag.key, value: tag.value).insert(db)
        }
    }
}
