import AWSWire
import GRDB
import State

/// Finds IAM entities by name or ARN within an account, or throws IAM's NoSuchEntity.
enum IAMLookup {
    static func user(_ name: String, _ accountId: String, _ db: Database) throws -> IAMUser {
        guard let user = try IAMUser.named(name, in: accountId).fetchOne(db) else { throw IAMError.noSuchUser(name) }
        return user
    }

    static func role(_ name: String, _ accountId: String, _ db: Database) throws -> IAMRole {
        guard let role = try IAMRole.named(name, in: accountId).fetchOne(db) else { throw IAMError.noSuchRole(name) }
        return role
    }

    static func group(_ name: String, _ accountId: String, _ db: Database) throws -> IAMGroup {
        guard let group = try IAMGroup.named(name, in: accountId).fetchOne(db) else { throw IAMError.noSuchGroup(name) }
        return group
    }

    static func instanceProfile(_ name: String, _ accountId: String, _ db: Database) throws -> IAMInstanceProfile {
        guard let profile = try IAMInstanceProfile.named(name, in: accountId).fetchOne(db) else {
            throw IAMError.noSuchInstanceProfile(name)
        }
        return profile
    }

    /// A customer managed policy of this account, or nil for any other ARN.
    static func customerPolicy(_ arn: String, _ accountId: String, _ db: Database) throws -> IAMManagedPolicy? {
        guard let policy = try IAMManagedPolicy.withArn(arn).fetchOne(db), policy.accountId == accountId else { return nil }
        return policy
    }

    /// Name and ARN of an attachable managed policy (AWS managed or this account's), or NoSuchEntity.
    static func attachablePolicy(_ arn: String, _ accountId: String, _ db: Database) throws -> AttachedPolicyShape {
        if let policy = AWSManagedPolicies.policy(arn: arn) {
            return AttachedPolicyShape(policyName: policy.name, policyArn: policy.arn)
        }
        guard let policy = try customerPolicy(arn, accountId, db) else { throw IAMError.notAttachable(arn) }
        return AttachedPolicyShape(policyName: policy.policyName, policyArn: policy.arn)
    }
}

/// Tags as IAM accepts them: at most 50 per resource, unique keys.
enum IAMTags {
    static let maximum = 50

    static func checked(_ tags: [Tag]) throws -> [Tag] {
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key.lowercased()).inserted {
            throw IAMError.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        if tags.count > maximum { throw IAMError.limitExceeded("The number of tags has reached the maximum limit.") }
        return tags
    }

    /// Adds or updates tags on an IAM resource, refusing to go past IAM's quota.
    static func add(_ tags: [Tag], to resourceId: String, _ db: Database) throws {
        if try ResourceTags.merge(try checked(tags), into: resourceId, db).count > maximum {
            throw IAMError.limitExceeded("The number of tags has reached the maximum limit.")
        }
    }
}
