import AWSWire
import Foundation
import GRDB
import Kerberos
import State

struct ResetUserPasswordRequest: Decodable, Sendable {
    var directoryId: String
    var userName: String
    var newPassword: String
}

/// Active Directory's default complexity rules, which AWS Managed AD applies to user passwords.
enum PasswordPolicy {
    static let minimumLength = 8

    /// Why `password` is refused for `accountName`, or nil when it is acceptable.
    static func problem(with password: String, accountName: String) -> String? {
        if password.count < minimumLength { return "it is shorter than \(minimumLength) characters" }
        let classes = [
            password.contains(where: \.isLowercase), password.contains(where: \.isUppercase),
            password.contains(where: \.isNumber), password.contains(where: { !$0.isLetter && !$0.isNumber }),
        ].filter { $0 }.count
        if classes < 3 { return "it needs characters of three of these kinds: lower case, upper case, digits, symbols" }
        if accountName.count >= 3, password.lowercased().contains(accountName.lowercased()) {
            return "it contains the account name"
        }
        return nil
    }
}

extension DirectoryService {
    mutating func registerPasswords() {
        let store = self.store, realms = self.realms
        operations.on("ResetUserPassword") { (input: ResetUserPasswordRequest, call) -> Empty in
            let (directory, user) = try await store.read { db -> (DSDirectory, DSUser) in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                guard directory.hostsRealm else {
                    throw DSError.unsupportedOperation("Passwords of a shared directory are reset by its owner.")
                }
                try DirectoryLookup.requireActive(directory)
                guard let user = try DSUser.named(input.userName, in: directory.directoryId).fetchOne(db) else {
                    throw DSError.userDoesNotExist("User \(input.userName) does not exist in directory \(directory.directoryId).")
                }
                return (directory, user)
            }
            if let problem = PasswordPolicy.problem(with: input.newPassword, accountName: user.samAccountName) {
                throw DSError.invalidPassword("The new password does not meet the directory's password requirements: \(problem).")
            }
            // Setting a password also enables the user, as AWS documents.
            let principal = "\(user.samAccountName)@\(directory.realm)"
            try await realms.kadmin(directory, [.setPassword(principal, input.newPassword), .setTicketsAllowed(principal, true)])
            try await store.write { db in
                guard var current = try DSUser.named(user.samAccountName, in: directory.directoryId).fetchOne(db) else { return }
                current.enabled = true
                current.passwordLastSet = call.now
                try current.update(db)
            }
            return Empty()
        }
    }
}
