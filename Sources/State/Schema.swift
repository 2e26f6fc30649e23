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
        migrator.registerMigration("ec2") { db in
            try createEC2Tables(db)
        }
        migrator.registerMigration("directory-service") { db in
            try createDirectoryTables(db)
        }
        migrator.registerMigration("rds") { db in
            try createRDSTables(db)
        }
        migrator.registerMigration("aurora") { db in
            try createAuroraTables(db)
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

    private static func createEC2Tables(_ db: Database) throws {
        try db.create(table: EC2VPC.databaseTableName) { t in
            t.primaryKey("vpcId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("cidrBlock", .text).notNull()
            t.column("isDefault", .boolean).notNull()
            t.column("instanceTenancy", .text).notNull()
            t.column("dhcpOptionsId", .text).notNull()
            t.column("enableDnsSupport", .boolean).notNull()
            t.column("enableDnsHostnames", .boolean).notNull()
            t.column("mainRouteTableId", .text).notNull()
            t.column("defaultNetworkAclId", .text).notNull()
            t.column("defaultSecurityGroupId", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("enableNetworkAddressUsageMetrics", .boolean).notNull().defaults(to: false)
        }
        try db.create(index: "ec2_vpc_by_account", on: EC2VPC.databaseTableName, columns: ["accountId", "region"])
        try db.create(table: EC2Subnet.databaseTableName) { t in
            t.primaryKey("subnetId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("vpcId", .text).notNull().indexed().references(EC2VPC.databaseTableName, onDelete: .restrict)
            t.column("cidrBlock", .text).notNull()
            t.column("availabilityZone", .text).notNull()
            t.column("availabilityZoneId", .text).notNull()
            t.column("defaultForAz", .boolean).notNull()
            t.column("mapPublicIpOnLaunch", .boolean).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("enableDns64", .boolean).notNull().defaults(to: false)
            t.column("enableResourceNameDnsARecordOnLaunch", .boolean).notNull().defaults(to: false)
            t.column("enableResourceNameDnsAAAARecordOnLaunch", .boolean).notNull().defaults(to: false)
            t.column("privateDnsHostnameTypeOnLaunch", .text).notNull().defaults(to: "ip-name")
        }
        try db.create(table: EC2SecurityGroup.databaseTableName) { t in
            t.primaryKey("groupId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("vpcId", .text).notNull().indexed().references(EC2VPC.databaseTableName, onDelete: .restrict)
            t.column("groupName", .text).notNull()
            t.column("description", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.uniqueKey(["vpcId", "groupName"])
        }
        try db.create(table: EC2SecurityGroupRule.databaseTableName) { t in
            t.primaryKey("ruleId", .text)
            t.column("groupId", .text).notNull().indexed().references(EC2SecurityGroup.databaseTableName, onDelete: .cascade)
            t.column("isEgress", .boolean).notNull()
            t.column("ipProtocol", .text).notNull()
            t.column("fromPort", .integer)
            t.column("toPort", .integer)
            t.column("cidrIpv4", .text)
            t.column("cidrIpv6", .text)
            t.column("referencedGroupId", .text)
            t.column("referencedGroupOwnerId", .text)
            t.column("prefixListId", .text)
            t.column("description", .text)
            t.column("position", .integer).notNull()
        }
        try db.create(index: "ec2_security_group_rule_by_reference", on: EC2SecurityGroupRule.databaseTableName,
                      columns: ["referencedGroupId"])
        try db.create(table: EC2VPCPeering.databaseTableName) { t in
            t.primaryKey("peeringId", .text)
            t.column("requesterAccountId", .text).notNull()
            t.column("requesterRegion", .text).notNull()
            t.column("requesterVpcId", .text).notNull().indexed()
            t.column("accepterAccountId", .text).notNull()
            t.column("accepterRegion", .text).notNull()
            t.column("accepterVpcId", .text).notNull().indexed()
            t.column("status", .text).notNull()
            t.column("statusMessage", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("expiresAt", .datetime).notNull()
        }
        try db.create(table: EC2NetworkInterface.databaseTableName) { t in
            t.primaryKey("networkInterfaceId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("subnetId", .text).notNull().indexed().references(EC2Subnet.databaseTableName, onDelete: .restrict)
            t.column("vpcId", .text).notNull()
            t.column("availabilityZone", .text).notNull()
            t.column("privateIpAddress", .text).notNull()
            t.column("description", .text).notNull()
            t.column("requesterId", .text).notNull()
            t.column("ownerResourceId", .text).notNull().indexed()
            t.column("securityGroupIds", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        // One row per account and region whose default VPC was made, so deleting it (as AWS
        // allows) does not bring it back on the next call.
        try db.create(table: EC2AccountRegion.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("defaultVpcCreatedAt", .datetime).notNull()
            t.primaryKey(["accountId", "region"])
        }
        for (table, idColumn) in [(EC2VPC.databaseTableName, "vpcId"), (EC2Subnet.databaseTableName, "subnetId"),
                                  (EC2SecurityGroup.databaseTableName, "groupId"), (EC2VPCPeering.databaseTableName, "peeringId"),
                                  (EC2SecurityGroupRule.databaseTableName, "ruleId"),
                                  (EC2NetworkInterface.databaseTableName, "networkInterfaceId")] {
            try deleteTagsWithResource(table: table, idColumn: idColumn, db)
        }
    }

    private static func createDirectoryTables(_ db: Database) throws {
        try db.create(table: DSDirectory.databaseTableName) { t in
            t.primaryKey("directoryId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("name", .text).notNull().collate(.nocase)
            t.column("shortName", .text).notNull()
            t.column("realm", .text).notNull()
            t.column("alias", .text).notNull()
            t.column("description", .text)
            t.column("type", .text).notNull()
            t.column("edition", .text)
            t.column("size", .text)
            t.column("stage", .text).notNull()
            t.column("stageReason", .text)
            t.column("launchTime", .datetime).notNull()
            t.column("stageLastUpdated", .datetime).notNull()
            t.column("vpcId", .text).notNull()
            t.column("subnetIds", .jsonText).notNull()
            t.column("availabilityZones", .jsonText).notNull()
            t.column("securityGroupId", .text)
            t.column("dnsIpAddrs", .jsonText).notNull()
            t.column("kdcPort", .integer).notNull()
            t.column("adminUserName", .text).notNull()
            t.column("dataAccessStatus", .text).notNull()
            t.column("desiredNumberOfDomainControllers", .integer).notNull()
            t.column("ownerDirectoryId", .text)
            t.column("ownerAccountId", .text)
            t.column("shareMethod", .text)
            t.column("shareStatus", .text)
            t.column("shareNotes", .text)
        }
        try db.create(index: "ds_directory_by_account", on: DSDirectory.databaseTableName, columns: ["accountId", "region"])
        try db.create(table: DSUser.databaseTableName) { t in
            t.column("directoryId", .text).notNull().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("samAccountName", .text).notNull().collate(.nocase)
            t.column("sid", .text).notNull()
            t.column("givenName", .text)
            t.column("surname", .text)
            t.column("emailAddress", .text)
            t.column("enabled", .boolean).notNull()
            t.column("otherAttributes", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("passwordLastSet", .datetime)
            t.primaryKey(["directoryId", "samAccountName"])
        }
        try db.create(table: DSGroup.databaseTableName) { t in
            t.column("directoryId", .text).notNull().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("samAccountName", .text).notNull().collate(.nocase)
            t.column("sid", .text).notNull()
            t.column("groupScope", .text).notNull()
            t.column("groupType", .text).notNull()
            t.column("otherAttributes", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
            t.primaryKey(["directoryId", "samAccountName"])
        }
        try db.create(table: DSGroupMember.databaseTableName) { t in
            t.column("directoryId", .text).notNull().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("groupName", .text).notNull().collate(.nocase)
            t.column("memberName", .text).notNull().collate(.nocase)
            t.column("memberRealm", .text).notNull().collate(.nocase)
            t.column("memberType", .text).notNull()
            t.column("memberSid", .text).notNull()
            t.column("addedAt", .datetime).notNull()
            t.primaryKey(["directoryId", "groupName", "memberName", "memberRealm"])
        }
        try db.create(table: DSTrust.databaseTableName) { t in
            t.primaryKey("trustId", .text)
            t.column("directoryId", .text).notNull().indexed().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("remoteDomainName", .text).notNull().collate(.nocase)
            t.column("trustDirection", .text).notNull()
            t.column("trustType", .text).notNull()
            t.column("trustState", .text).notNull()
            t.column("trustStateReason", .text)
            t.column("selectiveAuth", .text).notNull()
            t.column("createdDateTime", .datetime).notNull()
            t.column("lastUpdatedDateTime", .datetime).notNull()
            t.column("stateLastUpdatedDateTime", .datetime).notNull()
        }
        try db.create(table: DSConditionalForwarder.databaseTableName) { t in
            t.column("directoryId", .text).notNull().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("remoteDomainName", .text).notNull().collate(.nocase)
            t.column("dnsIpAddrs", .jsonText).notNull()
            t.column("replicationScope", .text).notNull()
            t.primaryKey(["directoryId", "remoteDomainName"])
        }
        try db.create(table: DSClientToken.databaseTableName) { t in
            t.column("directoryId", .text).notNull().references(DSDirectory.databaseTableName, onDelete: .cascade)
            t.column("clientToken", .text).notNull()
            t.column("operation", .text).notNull()
            t.column("fingerprint", .text).notNull()
            t.column("usedAt", .datetime).notNull().indexed()
            t.primaryKey(["directoryId", "clientToken"])
        }
        try deleteTagsWithResource(table: DSDirectory.databaseTableName, idColumn: "directoryId", db)
    }

    private static func createRDSTables(_ db: Database) throws {
        try db.create(table: RDSInstance.databaseTableName) { t in
            t.primaryKey("resourceId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("identifier", .text).notNull()
            t.column("engine", .text).notNull()
            t.column("engineVersion", .text).notNull()
            t.column("instanceClass", .text).notNull()
            t.column("allocatedStorage", .integer).notNull()
            t.column("storageType", .text).notNull()
            t.column("masterUsername", .text).notNull()
            t.column("dbName", .text)
            t.column("status", .text).notNull()
            t.column("statusReason", .text)
            t.column("endpointHost", .text).notNull()
            t.column("address", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("availabilityZone", .text).notNull()
            t.column("vpcId", .text).notNull()
            t.column("subnetGroupName", .text)
            t.column("vpcSecurityGroupIds", .jsonText).notNull()
            t.column("parameterGroupName", .text).notNull()
            t.column("iamAuthentication", .boolean).notNull()
            t.column("pendingIAMAuthentication", .boolean)
            t.column("domain", .text).indexed()
            t.column("domainRoleName", .text)
            t.column("domainStatus", .text)
            t.column("domainFQDN", .text)
            t.column("domainStatusReason", .text)
            t.column("pendingDomain", .text)
            t.column("pendingDomainRoleName", .text)
            t.column("backupRetentionPeriod", .integer).notNull()
            t.column("preferredBackupWindow", .text).notNull()
            t.column("preferredMaintenanceWindow", .text).notNull()
            t.column("multiAZ", .boolean).notNull()
            t.column("publiclyAccessible", .boolean).notNull()
            t.column("storageEncrypted", .boolean).notNull()
            t.column("deletionProtection", .boolean).notNull()
            t.column("copyTagsToSnapshot", .boolean).notNull()
            t.column("autoMinorVersionUpgrade", .boolean).notNull()
            t.column("createTime", .datetime).notNull()
            t.uniqueKey(["accountId", "region", "identifier"])
        }
        try db.create(table: RDSSubnetGroup.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("name", .text).notNull()
            t.column("description", .text).notNull()
            t.column("vpcId", .text).notNull()
            t.column("subnetIds", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
            t.primaryKey(["accountId", "region", "name"])
        }
        try db.create(table: RDSParameterGroup.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("name", .text).notNull()
            t.column("family", .text).notNull()
            t.column("description", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.primaryKey(["accountId", "region", "name"])
        }
        try db.create(table: RDSParameter.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("groupName", .text).notNull()
            t.column("name", .text).notNull()
            t.column("value", .text).notNull()
            t.column("applyMethod", .text).notNull()
            t.primaryKey(["accountId", "region", "groupName", "name"])
        }
        try db.create(table: RDSSnapshot.databaseTableName) { t in
            t.primaryKey("snapshotId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("identifier", .text).notNull()
            t.column("instanceIdentifier", .text).notNull()
            t.column("instanceResourceId", .text).notNull()
            t.column("snapshotType", .text).notNull()
            t.column("status", .text).notNull()
            t.column("engine", .text).notNull()
            t.column("engineVersion", .text).notNull()
            t.column("allocatedStorage", .integer).notNull()
            t.column("storageType", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("availabilityZone", .text).notNull()
            t.column("vpcId", .text).notNull()
            t.column("masterUsername", .text).notNull()
            t.column("dbName", .text)
            t.column("iamAuthentication", .boolean).notNull()
            t.column("instanceCreateTime", .datetime).notNull()
            t.column("snapshotCreateTime", .datetime).notNull()
            t.column("restoresInProgress", .integer).notNull()
            t.uniqueKey(["accountId", "region", "identifier"])
        }
        try db.create(table: RDSEvent.databaseTableName) { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("sourceIdentifier", .text).notNull()
            t.column("sourceType", .text).notNull()
            t.column("sourceArn", .text).notNull()
            t.column("message", .text).notNull()
            t.column("categories", .jsonText).notNull()
            t.column("date", .datetime).notNull().indexed()
        }
        try deleteTagsWithResource(table: RDSInstance.databaseTableName, idColumn: "resourceId", db)
        try deleteTagsWithResource(table: RDSSnapshot.databaseTableName, idColumn: "snapshotId", db)
    }

    /// Aurora clusters, their endpoints and snapshots; cluster membership, read replicas and
    /// roles on instances; parameter groups of both kinds (each kind its own names).
    private static func createAuroraTables(_ db: Database) throws {
        try db.alter(table: RDSInstance.databaseTableName) { t in
            t.add(column: "clusterResourceId", .text).indexed()
            t.add(column: "isClusterWriter", .boolean).notNull().defaults(to: false)
            t.add(column: "promotionTier", .integer).notNull().defaults(to: 1)
            t.add(column: "replicaSourceResourceId", .text)
            t.add(column: "associatedRoles", .jsonText).notNull().defaults(to: "[]")
        }
        for table in [RDSParameterGroup.databaseTableName, RDSParameter.databaseTableName] {
            try db.rename(table: table, to: table + "_old")
        }
        try db.create(table: RDSParameterGroup.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("scope", .text).notNull()
            t.column("name", .text).notNull()
            t.column("family", .text).notNull()
            t.column("description", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.primaryKey(["accountId", "region", "scope", "name"])
        }
        try db.create(table: RDSParameter.databaseTableName) { t in
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("scope", .text).notNull()
            t.column("groupName", .text).notNull()
            t.column("name", .text).notNull()
            t.column("value", .text).notNull()
            t.column("applyMethod", .text).notNull()
            t.primaryKey(["accountId", "region", "scope", "groupName", "name"])
        }
        try db.execute(sql: """
            INSERT INTO \(RDSParameterGroup.databaseTableName) SELECT accountId, region, 'db', name, family, description, createdAt
                FROM \(RDSParameterGroup.databaseTableName)_old;
            INSERT INTO \(RDSParameter.databaseTableName) SELECT accountId, region, 'db', groupName, name, value, applyMethod
                FROM \(RDSParameter.databaseTableName)_old;
            DROP TABLE \(RDSParameterGroup.databaseTableName)_old;
            DROP TABLE \(RDSParameter.databaseTableName)_old;
            """)
        try db.create(table: RDSCluster.databaseTableName) { t in
            t.primaryKey("resourceId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("identifier", .text).notNull()
            t.column("engine", .text).notNull()
            t.column("engineVersion", .text).notNull()
            t.column("status", .text).notNull()
            t.column("statusReason", .text)
            t.column("endpointHost", .text).notNull()
            t.column("readerEndpointHost", .text).notNull()
            t.column("address", .text).notNull()
            t.column("readerAddress", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("masterUsername", .text).notNull()
            t.column("masterPasswordVerifier", .text).notNull()
            t.column("databaseName", .text)
            t.column("parameterGroupName", .text).notNull()
            t.column("subnetGroupName", .text)
            t.column("vpcId", .text).notNull()
            t.column("vpcSecurityGroupIds", .jsonText).notNull()
            t.column("availabilityZones", .jsonText).notNull()
            t.column("backupRetentionPeriod", .integer).notNull()
            t.column("preferredBackupWindow", .text).notNull()
            t.column("preferredMaintenanceWindow", .text).notNull()
            t.column("iamAuthentication", .boolean).notNull()
            t.column("pendingIAMAuthentication", .boolean)
            t.column("domain", .text)
            t.column("domainRoleName", .text)
            t.column("domainStatus", .text)
            t.column("domainFQDN", .text)
            t.column("domainStatusReason", .text)
            t.column("deletionProtection", .boolean).notNull()
            t.column("copyTagsToSnapshot", .boolean).notNull()
            t.column("storageEncrypted", .boolean).notNull()
            t.column("associatedRoles", .jsonText).notNull()
            t.column("createTime", .datetime).notNull()
            t.uniqueKey(["accountId", "region", "identifier"])
        }
        try db.create(table: RDSClusterEndpoint.databaseTableName) { t in
            t.primaryKey("resourceId", .text)
            t.column("clusterResourceId", .text).notNull().indexed()
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("identifier", .text).notNull()
            t.column("endpointHost", .text).notNull()
            t.column("address", .text).notNull()
            t.column("endpointType", .text).notNull()
            t.column("staticMembers", .jsonText).notNull()
            t.column("excludedMembers", .jsonText).notNull()
            t.column("status", .text).notNull()
            t.column("createTime", .datetime).notNull()
            t.uniqueKey(["accountId", "region", "identifier"])
        }
        try db.create(table: RDSClusterSnapshot.databaseTableName) { t in
            t.primaryKey("snapshotId", .text)
            t.column("accountId", .text).notNull()
            t.column("region", .text).notNull()
            t.column("identifier", .text).notNull()
            t.column("clusterIdentifier", .text).notNull()
            t.column("clusterResourceId", .text).notNull()
            t.column("snapshotType", .text).notNull()
            t.column("status", .text).notNull()
            t.column("engine", .text).notNull()
            t.column("engineVersion", .text).notNull()
            t.column("port", .integer).notNull()
            t.column("vpcId", .text).notNull()
            t.column("availabilityZones", .jsonText).notNull()
            t.column("masterUsername", .text).notNull()
            t.column("masterPasswordVerifier", .text).notNull()
            t.column("databaseName", .text)
            t.column("iamAuthentication", .boolean).notNull()
            t.column("storageEncrypted", .boolean).notNull()
            t.column("clusterCreateTime", .datetime).notNull()
            t.column("snapshotCreateTime", .datetime).notNull()
            t.column("restoresInProgress", .integer).notNull()
            t.uniqueKey(["accountId", "region", "identifier"])
        }
        try deleteTagsWithResource(table: RDSCluster.databaseTableName, idColumn: "resourceId", db)
        try deleteTagsWithResource(table: RDSClusterEndpoint.databaseTableName, idColumn: "resourceId", db)
        try deleteTagsWithResource(table: RDSClusterSnapshot.databaseTableName, idColumn: "snapshotId", db)
    }
}
