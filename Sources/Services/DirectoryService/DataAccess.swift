import AWSWire
import Foundation
import GRDB
import State

struct DescribeDirectoryDataAccessResponse: Encodable, Sendable {
    var dataAccessStatus: String
}

extension DirectoryService {
    /// Directory Service Data (users and groups through ds-data) must be switched on per
    /// directory, as on AWS; only Managed Microsoft AD offers it.
    mutating func registerDataAccess() {
        let store = self.store
        for (operation, enable) in [("EnableDirectoryDataAccess", true), ("DisableDirectoryDataAccess", false)] {
            operations.on(operation) { (input: DirectoryIdRequest, call) -> Empty in
                try await store.write { db in
                    var directory = try Self.dataAccessDirectory(input.directoryId, call, db)
                    try DirectoryLookup.requireActive(directory)
                    let wanted = enable ? "Enabled" : "Disabled"
                    guard directory.dataAccessStatus != wanted else {
                        throw DSError.directoryInDesiredState("Directory data access is already \(wanted.lowercased()) for \(directory.directoryId).")
                    }
                    directory.dataAccessStatus = wanted
                    try directory.update(db)
                }
                return Empty()
            }
        }

        operations.on("DescribeDirectoryDataAccess") { (input: DirectoryIdRequest, call) -> DescribeDirectoryDataAccessResponse in
            let directory = try await store.read { db in try Self.dataAccessDirectory(input.directoryId, call, db) }
            return DescribeDirectoryDataAccessResponse(dataAccessStatus: directory.dataAccessStatus)
        }
    }

    /// These operations name an unknown directory `DirectoryDoesNotExistException`.
    static func dataAccessDirectory(_ id: String, _ call: CallContext, _ db: Database) throws -> DSDirectory {
        guard let directory = try? DirectoryLookup.directory(id, call, db) else {
            throw DSError.directoryDoesNotExist("Directory \(id) does not exist.")
        }
        guard directory.type == "MicrosoftAD", directory.hostsRealm else {
            throw DSError.unsupportedOperation("Directory data access is supported only for AWS Managed Microsoft AD directories in their owner's account.")
        }
        return directory
    }
}
