import GRDB

/// The one migrator. Each issue adds named migrations at the end; never edit a shipped one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("iam-sts") { db in
            try createTagTable(db)
            try createIAMTables(db)
            try createSTSTables(db)
            for (table, idColumn) in [(IAMUser.databaseTableName, "userId"), (IAMRole.databaseTableName, "roleId"),
                                      (IAMManagedPolicy.databaseTableName, "policyId"),
                                      (IAMInstanceProfile.databaseTableName, "instanceProfileId")] {
                try deleteTagsWithResource(table: table, idColumn: idColumn, db)
            }
        }
        return migrator
    }

    private static func createTagTable(_ db: Database) throws {
        try db.create(table: ResourceTag.databaseTableName) { t in
            t.column("resourceId", .text).notNull()
            t.column("position", .integer).notNull()
            t.column("key", .text).notNull()
            t.column("value", .text).notNull()
            t.primaryKey(["resourceId", "key"])
        }
    }

    /// Tags go with their resource, whichever code path deletes it.
    static func deleteTagsWithResource(table: String, idColumn: String, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER \(table)_tags_follow AFTER DELETE ON \(table)
            BEGIN DELETE FROM \(ResourceTag.databaseTableName) WHERE resourceId = old.\(idColumn); END
            """)
    }

    private static func createIAMTables(_ db: Database) throws {
        // Names are unique per account regardless of case (as IAM), IDs globally; relations
        // use IDs, so renaming a user or group touches one row.
        try db.create(table: IAMUser.databaseTableName) { t in
            t.primaryKey("userId", .text)
            t.column("accountId", .text).notNull()
            t.column("userName", .text).notNull().collate(.nocase)
            t.column("path", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.column("permissionsBoundary", .text)
            t.uniqueKey(["accountId", "userName"])
        }
        try db.create(table: IAMGroup.databaseTableName) { t in
            t.primaryKey("groupId", .text)
            t.column("accountId", .text).notNull()
            t.column("groupName", .text).notNull().collate(.nocase)
            t.column("path", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.uniqueKey(["accountId", "groupName"])
        }
        try db.create(table: IAMGroupMembership.databaseTableName) { t in
            t.column("groupId", .text).notNull().references(IAMGroup.databaseTableName, onDelete: .cascade)
            t.column("userId", .text).notNull().references(IAMUser.databaseTableName, onDelete: .cascade)
            t.column("addedAt", .datetime).notNull()
            t.primaryKey(["groupId", "userId"])
        }
        try db.create(table: IAMRole.databaseTableName) { t in
            t.primaryKey("roleId", .text)
            t.column("accountId", .text).notNull()
            t.column("roleName", .text).notNull().collate(.nocase)
            t.column("path", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.column("assumeRolePolicyDocument", .text).notNull()
            t.column("description", .text)
            t.column("maxSessionDuration", .integer).notNull()
            t.column("permissionsBoundary", .text)
            t.column("lastUsedDate", .datetime)
            t.column("lastUsedRegion", .text)
            t.uniqueKey(["accountId", "roleName"])
        }
        try db.create(table: IAMManagedPolicy.databaseTableName) { t in
            t.primaryKey("policyId", .text)
            t.column("accountId", .text).notNull()
            t.column("policyName", .text).notNull().collate(.nocase)
            t.column("path", .text).notNull()
            t.column("arn", .text).notNull().unique()
            t.column("description", .text)
            t.column("defaultVersionId", .text).notNull()
            t.column("nextVersionNumber", .integer).notNull()
            t.column("createDate", .datetime).notNull()
            t.column("updateDate", .datetime).notNull()
            t.uniqueKey(["accountId", "policyName"])
        }
        try db.create(table: IAMPolicyVersion.databaseTableName) { t in
            t.column("policyId", .text).notNull().references(IAMManagedPolicy.databaseTableName, onDelete: .cascade)
            t.column("versionId", .text).notNull()
            t.column("document", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.primaryKey(["policyId", "versionId"])
        }
        try db.create(table: IAMPolicyAttachment.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("principalId", .text).notNull()
            t.column("principalKind", .text).notNull()
            t.column("policyArn", .text).notNull().indexed()
            t.column("attachedAt", .datetime).notNull()
            t.primaryKey(["principalId", "policyArn"])
        }
        try db.create(table: IAMInlinePolicy.databaseTableName) { t in
            t.column("principalId", .text).notNull()
            t.column("policyName", .text).notNull()
            t.column("document", .text).notNull()
            t.primaryKey(["principalId", "policyName"])
        }
        try db.create(table: IAMAccessKey.databaseTableName) { t in
            t.primaryKey("accessKeyId", .text)
            t.column("accountId", .text).notNull()
            t.column("userId", .text).notNull().indexed().references(IAMUser.databaseTableName, onDelete: .restrict)
            t.column("secretAccessKey", .text).notNull()
            t.column("status", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.column("lastUsedDate", .datetime)
            t.column("lastUsedService", .text)
            t.column("lastUsedRegion", .text)
        }
        try db.create(table: IAMInstanceProfile.databaseTableName) { t in
            t.primaryKey("instanceProfileId", .text)
            t.column("accountId", .text).notNull()
            t.column("instanceProfileName", .text).notNull().collate(.nocase)
            t.column("path", .text).notNull()
            t.column("createDate", .datetime).notNull()
            t.column("roleId", .text).references(IAMRole.databaseTableName, onDelete: .restrict)
            t.uniqueKey(["accountId", "instanceProfileName"])
        }
    }

    private static func createSTSTables(_ db: Database) throws {
        try db.create(table: STSSession.databaseTableName) { t in
            t.primaryKey("accessKeyId", .text)
            t.column("accountId", .text).notNull()
            t.column("secretAccessKey", .text).notNull()
            t.column("sessionToken", .text).notNull()
            t.column("kind", .text).notNull()
            t.column("principalArn", .text).notNull()
            t.column("userId", .text).notNull()
            t.column("roleId", .text)
            t.column("sourceUserId", .text)
            t.column("sessionName", .text)
            t.column("sessionPolicy", .text)
            t.column("sessionPolicyArns", .jsonText).notNull()
            t.column("tags", .jsonText).notNull()
            t.column("sourceIdentity", .text)
            t.column("isRoleChained", .boolean).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("expiration", .datetime).notNull().indexed()
        }
    }
}
