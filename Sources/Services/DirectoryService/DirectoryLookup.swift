import AWSWire
import GRDB
import State

/// Finds directories the caller's account owns (or was shared), or answers as AWS does.
enum DirectoryLookup {
    static func directory(_ id: String, _ call: CallContext, _ db: Database) throws -> DSDirectory {
        guard let directory = try DSDirectory.withId(id).fetchOne(db), directory.accountId == call.accountId, directory.region == call.region else {
            throw DSError.noDirectory(id)
        }
        return directory
    }

    /// The directory that runs the realm: the directory itself, or the owner's for a shared copy.
    static func hosting(_ directory: DSDirectory, _ db: Database) throws -> DSDirectory {
        guard let ownerId = directory.ownerDirectoryId else { return directory }
        guard let owner = try DSDirectory.withId(ownerId).fetchOne(db) else { throw DSError.noDirectory(ownerId) }
        return owner
    }

    static func requireActive(_ directory: DSDirectory) throws {
        guard directory.stage == "Active" else {
            throw DSError.directoryUnavailable("Directory \(directory.directoryId) is not available: its stage is \(directory.stage).")
        }
    }
}

/// Windows security identifiers for directory objects: a domain SID per directory and a relative
/// id per user or group.
enum SecurityIdentifiers {
    /// Stable for a directory: derived from its id (FNV-1a), as three 32-bit sub-authorities.
    static func domain(of directoryId: String) -> String {
        var parts: [UInt32] = []
        for salt in 0..<3 {
            var hash: UInt32 = 2_166_136_261 &+ UInt32(salt)
            for byte in directoryId.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            parts.append(hash)
        }
        return "S-1-5-21-\(parts[0])-\(parts[1])-\(parts[2])"
    }

    /// The next relative id in the directory: after the largest given so far (users and groups
    /// share the sequence, starting after AWS's own accounts).
    static func next(in directoryId: String, _ db: Database) throws -> String {
        let sids = try String.fetchAll(db, sql: """
            SELECT sid FROM \(DSUser.databaseTableName) WHERE directoryId = ?
            UNION ALL SELECT sid FROM \(DSGroup.databaseTableName) WHERE directoryId = ?
            """, arguments: [directoryId, directoryId])
        let largest = sids.compactMap { $0.split(separator: "-").last.flatMap { Int($0) } }.max() ?? 1103
        return "\(domain(of: directoryId))-\(max(largest, 1103) + 1)"
    }
}
