import AWSWire
import Foundation
import GRDB
import State

/// What DB snapshots and DB cluster snapshots share: a record whose files live under
/// `<data>/snapshots/<snapshotId>/`, found by its identifier, copied and deleted the same way.
/// Each kind has its own error codes and words.
protocol SnapshotRecord: FetchableRecord, PersistableRecord, Sendable {
    var snapshotId: String { get set }
    var identifier: String { get set }
    var status: String { get set }
    var snapshotType: String { get set }
    var snapshotCreateTime: Date { get set }
    /// Restores in progress read the snapshot's files; it cannot be deleted meanwhile.
    var restoresInProgress: Int { get set }

    static func named(_ identifier: String, account: String, region: String) -> QueryInterfaceRequest<Self>
    static var kind: SnapshotKind { get }
}

/// A kind of snapshot's codes and words, as RDS's model gives them.
struct SnapshotKind: Sendable {
    /// `DBSnapshot`, `DBClusterSnapshot`.
    let noun: String
    let notFoundCode: String
    let alreadyExistsCode: String
    let invalidStateCode: String
    /// What is restored from it: `DB instance`, `DB cluster`.
    let restores: String
    /// The prefix of its files' ids.
    let idPrefix: String
}

extension RDSSnapshot: SnapshotRecord {
    static let kind = SnapshotKind(noun: "DBSnapshot", notFoundCode: "DBSnapshotNotFound", alreadyExistsCode: "DBSnapshotAlreadyExists",
                                   invalidStateCode: "InvalidDBSnapshotState", restores: "DB instance", idPrefix: "snap-")
}

extension RDSClusterSnapshot: SnapshotRecord {
    static let kind = SnapshotKind(noun: "DBClusterSnapshot", notFoundCode: "DBClusterSnapshotNotFoundFault",
                                   alreadyExistsCode: "DBClusterSnapshotAlreadyExistsFault",
                                   invalidStateCode: "InvalidDBClusterSnapshotStateFault", restores: "DB cluster", idPrefix: "csnap-")
}

enum SnapshotRecords {
    static func newId<Snapshot: SnapshotRecord>(_: Snapshot.Type) -> String {
        Snapshot.kind.idPrefix + Identifiers.random(20, from: Identifiers.base32).lowercased()
    }

    /// The snapshot named by an identifier or its ARN.
    static func named<Snapshot: SnapshotRecord>(_ name: String, _ call: CallContext, _ db: Database) throws -> Snapshot {
        let identifier = RDSTagTarget.resourceName(name)
        guard let snapshot = try Snapshot.named(identifier, account: call.accountId, region: call.region).fetchOne(db) else {
            throw AWSError(code: Snapshot.kind.notFoundCode, status: 404, message: "\(Snapshot.kind.noun) \(identifier) not found.")
        }
        return snapshot
    }

    /// Refuses an identifier a snapshot of this kind already has.
    static func requireFree<Snapshot: SnapshotRecord>(_ identifier: String, _: Snapshot.Type, _ call: CallContext, _ db: Database) throws {
        guard try Snapshot.named(identifier, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
            throw AWSError(code: Snapshot.kind.alreadyExistsCode, status: 400,
                           message: "Cannot create the snapshot because a snapshot with the identifier \(identifier) already exists.")
        }
    }

    static func requireAvailable<Snapshot: SnapshotRecord>(_ snapshot: Snapshot) throws {
        guard snapshot.status == "available" else {
            throw AWSError(code: Snapshot.kind.invalidStateCode, status: 400,
                           message: "Snapshot \(snapshot.identifier) is not available: it is \(snapshot.status).")
        }
    }

    /// Deletes the record (refused while it is being made or restored from), then its files;
    /// answers it as it was, with its tags.
    static func delete<Snapshot: SnapshotRecord>(_ name: String, _: Snapshot.Type, _ call: CallContext, store: Store,
                                                 engines: EngineHost) async throws -> (Snapshot, [Tag]) {
        let (snapshot, tags) = try await store.write { db -> (Snapshot, [Tag]) in
            var snapshot: Snapshot = try named(name, call, db)
            guard snapshot.status == "available" || snapshot.status == "failed" else {
                throw AWSError(code: Snapshot.kind.invalidStateCode, status: 400, message: "Cannot delete the snapshot because it is \(snapshot.status).")
            }
            guard snapshot.restoresInProgress == 0 else {
                throw AWSError(code: Snapshot.kind.invalidStateCode, status: 400,
                               message: "Cannot delete the snapshot because a \(Snapshot.kind.restores) is being restored from it.")
            }
            let tags = try ResourceTags.of(snapshot.snapshotId, db)
            try snapshot.delete(db)
            snapshot.status = "deleted"
            return (snapshot, tags)
        }
        await engines.deleteSnapshot(snapshot.snapshotId)
        return (snapshot, tags)
    }

    /// A manual copy of an available snapshot under `target`, its files copied in the
    /// background (`creating`, then `available` or `failed`); the source's tags with `copyTags`.
    static func copy<Snapshot: SnapshotRecord>(_ source: String, to target: String, _: Snapshot.Type, copyTags: Bool, tags: [Tag],
                                               _ call: CallContext, store: Store, engines: EngineHost) async throws -> (Snapshot, [Tag]) {
        let (original, copy, copyTags) = try await store.write { db -> (Snapshot, Snapshot, [Tag]) in
            let original: Snapshot = try named(source, call, db)
            try requireAvailable(original)
            try requireFree(target, Snapshot.self, call, db)
            var copy = original
            copy.snapshotId = newId(Snapshot.self)
            copy.identifier = target
            copy.snapshotType = "manual"
            copy.status = "creating"
            copy.snapshotCreateTime = call.now
            copy.restoresInProgress = 0
            try copy.insert(db)
            try ResourceTags.merge((copyTags ? try ResourceTags.of(original.snapshotId, db) : []) + tags, into: copy.snapshotId, db)
            return (original, copy, try ResourceTags.of(copy.snapshotId, db))
        }
        await CallWork.run {
            let outcome = (try? await engines.copySnapshot(original.snapshotId, to: copy.snapshotId)) != nil ? "available" : "failed"
            try? await store.write { db in
                guard var current = try Snapshot.fetchOne(db, key: copy.snapshotId) else { return }
                current.status = outcome
                try current.update(db)
            }
        }
        return (copy, copyTags)
    }

    /// A restore has read the snapshot's files.
    static func restoreFinished<Snapshot: SnapshotRecord>(_ snapshotId: String, _: Snapshot.Type, store: Store) async {
        try? await store.write { db in
            guard var snapshot = try Snapshot.fetchOne(db, key: snapshotId) else { return }
            snapshot.restoresInProgress = max(0, snapshot.restoresInProgress - 1)
            try snapshot.update(db)
        }
    }
}
