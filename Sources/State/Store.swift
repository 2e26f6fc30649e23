import Foundation
import GRDB

/// Kerbside's state: one SQLite file in the data directory, the single source of truth.
///
/// Writes are serialized by SQLite (WAL mode lets reads run beside them), and every service
/// change happens in one `write` transaction, so a refused request leaves nothing behind.
public final class Store: Sendable {
    public static let fileName = "kerbside.sqlite"

    private let database: any DatabaseWriter

    /// Opens (creating if needed) the store in `directory`, which is created 0711: database servers
    /// run as another user and must pass through it to their own folders, but nobody else can
    /// list it. The database file is 0600 because it holds secret access keys.
    public init(directory: URL) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let path = directory.appendingPathComponent(Self.fileName).path
        if !fileManager.fileExists(atPath: path) {
            guard fileManager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError(description: "cannot create \(path)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        try Schema.migrator.migrate(database)
    }

    /// A private in-memory store, for unit tests.
    public init() throws {
        database = try DatabaseQueue()
        try Schema.migrator.migrate(database)
    }

    /// Reads run on the calling thread. A read is a few microseconds of SQLite in WAL mode,
    /// never waits for writers, and skipping the hop to GRDB's queue and back made listings
    /// about 10% faster under load (docs/performance.md).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readHere(body)
    }

    /// Not `async`, so the synchronous (and still isolated) GRDB read is the one chosen.
    private func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.write(body)
    }

    /// Deletes every resource of every account; the schema stays.
    ///
    /// Foreign keys are switched off for the wipe (SQLite only allows that outside a
    /// transaction), so `RESTRICT` relations need no particular deletion order.
    public func reset() async throws {
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction {
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    """)
                for table in tables { try db.execute(sql: "DELETE FROM \(table.quotedDatabaseIdentifier)") }
                return .commit
            }
        }
    }
}

public struct StoreError: Error, CustomStringConvertible {
    public let description: String
}

extension DatabaseError {
    /// True when a UNIQUE or PRIMARY KEY constraint refused the write.
    public var isUniqueViolation: Bool {
        resultCode == .SQLITE_CONSTRAINT && (extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY)
    }
}
