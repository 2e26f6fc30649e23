import AWSWire
import Foundation
import GRDB
import Kerberos
import State

struct CreateTrustRequest: Decodable, Sendable {
    var directoryId: String
    var remoteDomainName: String
    var trustPassword: String
    var trustDirection: String
    var trustType: String?
    var conditionalForwarderIpAddrs: [String]?
    var selectiveAuth: String?
}

struct TrustIdResponse: Encodable, Sendable {
    var trustId: String
}

struct TrustIdRequest: Decodable, Sendable {
    var trustId: String
}

struct UpdateTrustRequest: Decodable, Sendable {
    var trustId: String
    var selectiveAuth: String?
}

struct UpdateTrustResponse: Encodable, Sendable {
    var requestId: String
    var trustId: String
}

struct DeleteTrustRequest: Decodable, Sendable {
    var trustId: String
    var deleteAssociatedConditionalForwarder: Bool?
}

struct DescribeTrustsRequest: Decodable, Sendable {
    var directoryId: String?
    var trustIds: [String]?
    var nextToken: String?
    var limit: Int?
}

struct TrustShape: Encodable, Sendable {
    var directoryId: String
    var trustId: String
    var remoteDomainName: String
    var trustType: String
    var trustDirection: String
    var trustState: String
    var createdDateTime: Date
    var lastUpdatedDateTime: Date
    var stateLastUpdatedDateTime: Date
    var trustStateReason: String?
    var selectiveAuth: String

    init(_ trust: DSTrust) {
        directoryId = trust.directoryId
        trustId = trust.trustId
        remoteDomainName = trust.remoteDomainName
        trustType = trust.trustType
        trustDirection = trust.trustDirection
        trustState = trust.trustState
        createdDateTime = trust.createdDateTime
        lastUpdatedDateTime = trust.lastUpdatedDateTime
        stateLastUpdatedDateTime = trust.stateLastUpdatedDateTime
        trustStateReason = trust.trustStateReason
        selectiveAuth = trust.selectiveAuth
    }
}

struct DescribeTrustsResponse: Encodable, Sendable {
    var trusts: [TrustShape]
    var nextToken: String?
}

struct ConditionalForwarderRequest: Decodable, Sendable {
    var directoryId: String
    var remoteDomainName: String
    var dnsIpAddrs: [String]?
}

struct DescribeConditionalForwardersRequest: Decodable, Sendable {
    var directoryId: String
    var remoteDomainNames: [String]?
}

struct ConditionalForwarderShape: Encodable, Sendable {
    var remoteDomainName: String
    var dnsIpAddrs: [String]
    var replicationScope: String
}

struct DescribeConditionalForwardersResponse: Encodable, Sendable {
    var conditionalForwarders: [ConditionalForwarderShape]
}

extension DirectoryService {
    /// A trust installs the cross-realm `krbtgt` principal for each direction it covers, keyed by
    /// the trust password. Outgoing (this directory trusts the remote domain, whose users may use
    /// this directory's services) is `krbtgt/LOCAL@REMOTE`; incoming is `krbtgt/REMOTE@LOCAL`.
    /// When the remote domain is another Kerbside directory that installed the same principal
    /// with the same password, tickets cross, and VerifyTrust proves it by getting one.
    mutating func registerTrusts() {
        let store = self.store, realms = self.realms
        operations.on("CreateTrust") { (input: CreateTrustRequest, call) -> TrustIdResponse in
            let remote = input.remoteDomainName.trimmingCharacters(in: CharacterSet(charactersIn: ".")).lowercased()
            let directory = try await store.read { db -> DSDirectory in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                guard directory.hostsRealm, directory.type == "MicrosoftAD" else {
                    throw DSError.unsupportedOperation("Trusts are supported only for AWS Managed Microsoft AD directories, by their owner.")
                }
                try DirectoryLookup.requireActive(directory)
                guard remote != directory.name.lowercased() else {
                    throw DSError.invalidParameter("A directory cannot trust its own domain.")
                }
                if try DSTrust.of(directory.directoryId).fetchAll(db).contains(where: { $0.remoteDomainName.lowercased() == remote }) {
                    throw DSError.entityAlreadyExists("A trust with \(remote) already exists for directory \(directory.directoryId).")
                }
                return directory
            }
            let commands = Self.crossRealmPrincipals(local: directory.realm, remote: remote.uppercased(), direction: input.trustDirection)
                .map { KadminCommand.addPrincipal($0, password: input.trustPassword, ticketsAllowed: true) }
            try await realms.kadmin(directory, commands)
            let trust = DSTrust(
                trustId: "t-" + Identifiers.random(10, from: Identifiers.hex), directoryId: directory.directoryId,
                remoteDomainName: remote, trustDirection: input.trustDirection, trustType: input.trustType ?? "Forest",
                trustState: "Created", trustStateReason: nil, selectiveAuth: input.selectiveAuth ?? "Disabled",
                createdDateTime: call.now, lastUpdatedDateTime: call.now, stateLastUpdatedDateTime: call.now)
            try await store.write { db in
                try trust.insert(db)
                if let addresses = input.conditionalForwarderIpAddrs, !addresses.isEmpty {
                    try DSConditionalForwarder(directoryId: directory.directoryId, remoteDomainName: remote,
                                               dnsIpAddrs: addresses, replicationScope: "Domain").save(db)
                }
            }
            // AWS verifies a new trust by itself; so does Kerbside, before answering.
            try await Self.verify(trust.trustId, store, realms)
            return TrustIdResponse(trustId: trust.trustId)
        }

        operations.on("VerifyTrust") { (input: TrustIdRequest, call) -> TrustIdResponse in
            _ = try await store.read { db in try Self.ownedTrust(input.trustId, call, db) }
            try await Self.verify(input.trustId, store, realms)
            return TrustIdResponse(trustId: input.trustId)
        }

        operations.on("UpdateTrust") { (input: UpdateTrustRequest, call) -> UpdateTrustResponse in
            try await store.write { db in
                var trust = try Self.ownedTrust(input.trustId, call, db)
                if let selectiveAuth = input.selectiveAuth { trust.selectiveAuth = selectiveAuth }
                trust.lastUpdatedDateTime = call.now
                try trust.update(db)
            }
            return UpdateTrustResponse(requestId: call.requestID, trustId: input.trustId)
        }

        operations.on("DeleteTrust") { (input: DeleteTrustRequest, call) -> TrustIdResponse in
            let (trust, directory) = try await store.read { db -> (DSTrust, DSDirectory) in
                let trust = try Self.ownedTrust(input.trustId, call, db)
                return (trust, try DirectoryLookup.directory(trust.directoryId, call, db))
            }
            let principals = Self.crossRealmPrincipals(local: directory.realm, remote: trust.remoteDomainName.uppercased(), direction: trust.trustDirection)
            do {
                try await realms.kadmin(directory, principals.map { .deletePrincipal($0) })
            } catch let error as KerberosError where error.description.contains("does not exist") {
                // Already gone: deleting is what was asked.
            }
            try await store.write { db in
                try DSTrust.filter(Column("trustId") == trust.trustId).deleteAll(db)
                if input.deleteAssociatedConditionalForwarder == true {
                    try DSConditionalForwarder.filter(Column("directoryId") == trust.directoryId && Column("remoteDomainName") == trust.remoteDomainName).deleteAll(db)
                }
            }
            return TrustIdResponse(trustId: trust.trustId)
        }

        operations.on("DescribeTrusts") { (input: DescribeTrustsRequest, call) -> DescribeTrustsResponse in
            if let ids = input.trustIds, ids.isEmpty { throw DSError.invalidParameter("TrustIds must not be empty.") }
            let trusts = try await store.read { db -> [TrustShape] in
                var trusts: [DSTrust]
                if let directoryId = input.directoryId {
                    trusts = try DSTrust.of(try DirectoryLookup.directory(directoryId, call, db).directoryId).fetchAll(db)
                } else {
                    trusts = try DSDirectory.listed(in: call.accountId, call.region).fetchAll(db).flatMap { try DSTrust.of($0.directoryId).fetchAll(db) }
                }
                if let ids = input.trustIds {
                    for id in ids where !trusts.contains(where: { $0.trustId == id }) {
                        throw DSError.entityDoesNotExist("Trust \(id) does not exist.")
                    }
                    trusts = trusts.filter { ids.contains($0.trustId) }
                }
                return trusts.map(TrustShape.init)
            }
            let page = try Self.page(trusts, token: input.nextToken, limit: input.limit)
            return DescribeTrustsResponse(trusts: page.items, nextToken: page.next)
        }

        operations.on("CreateConditionalForwarder") { (input: ConditionalForwarderRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                let existing = try DSConditionalForwarder.fetchOne(db, key: ["directoryId": directory.directoryId, "remoteDomainName": input.remoteDomainName])
                if existing != nil {
                    throw DSError.entityAlreadyExists("A conditional forwarder for \(input.remoteDomainName) already exists.")
                }
                try DSConditionalForwarder(directoryId: directory.directoryId, remoteDomainName: input.remoteDomainName,
                                           dnsIpAddrs: input.dnsIpAddrs ?? [], replicationScope: "Domain").insert(db)
            }
            return Empty()
        }

        operations.on("UpdateConditionalForwarder") { (input: ConditionalForwarderRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                guard var forwarder = try DSConditionalForwarder.fetchOne(db, key: ["directoryId": directory.directoryId, "remoteDomainName": input.remoteDomainName]) else {
                    throw DSError.entityDoesNotExist("No conditional forwarder for \(input.remoteDomainName).")
                }
                forwarder.dnsIpAddrs = input.dnsIpAddrs ?? forwarder.dnsIpAddrs
                try forwarder.update(db)
            }
            return Empty()
        }

        operations.on("DeleteConditionalForwarder") { (input: ConditionalForwarderRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                let deleted = try DSConditionalForwarder.filter(Column("directoryId") == directory.directoryId && Column("remoteDomainName") == input.remoteDomainName).deleteAll(db)
                if deleted == 0 { throw DSError.entityDoesNotExist("No conditional forwarder for \(input.remoteDomainName).") }
            }
            return Empty()
        }

        operations.on("DescribeConditionalForwarders") { (input: DescribeConditionalForwardersRequest, call) -> DescribeConditionalForwardersResponse in
            let forwarders = try await store.read { db in
                let directory = try DirectoryLookup.directory(input.directoryId, call, db)
                return try DSConditionalForwarder.filter(Column("directoryId") == directory.directoryId).fetchAll(db)
            }.filter { input.remoteDomainNames?.contains($0.remoteDomainName) ?? true }
            return DescribeConditionalForwardersResponse(conditionalForwarders: forwarders.map {
                ConditionalForwarderShape(remoteDomainName: $0.remoteDomainName, dnsIpAddrs: $0.dnsIpAddrs, replicationScope: $0.replicationScope)
            })
        }
    }

    static func ownedTrust(_ id: String, _ call: CallContext, _ db: Database) throws -> DSTrust {
        guard let trust = try DSTrust.withId(id).fetchOne(db), (try? DirectoryLookup.directory(trust.directoryId, call, db)) != nil else {
            throw DSError.entityDoesNotExist("Trust \(id) does not exist.")
        }
        return trust
    }

    static func crossRealmPrincipals(local: String, remote: String, direction: String) -> [String] {
        switch direction {
        case "One-Way: Outgoing": return ["krbtgt/\(local)@\(remote)"]
        case "One-Way: Incoming": return ["krbtgt/\(remote)@\(local)"]
        default: return ["krbtgt/\(local)@\(remote)", "krbtgt/\(remote)@\(local)"]
        }
    }

    /// Verifies a trust for real: the remote domain must be a directory Kerbside hosts, and a
    /// ticket must cross in each direction the trust covers (outgoing: a remote user reaches a
    /// local service). The outcome lands in the trust's state, with AWS's reason texts.
    static func verify(_ trustId: String, _ store: Store, _ realms: RealmHost) async throws {
        let found = try await store.write { db -> (DSTrust, DSDirectory, DSDirectory?)? in
            guard var trust = try DSTrust.withId(trustId).fetchOne(db),
                  let local = try DSDirectory.withId(trust.directoryId).fetchOne(db)
            else { return nil }
            trust.trustState = "Verifying"
            try trust.update(db)
            let remote = try DSDirectory.fetchAll(db).first { $0.hostsRealm && $0.name.lowercased() == trust.remoteDomainName.lowercased() && $0.stage == "Active" }
            return (trust, local, remote)
        }
        guard let (trust, local, remote) = found else { return }
        var reason: String?
        if let remote {
            let localRealm = realms.realm(of: local), remoteRealm = realms.realm(of: remote)
            var checks: [(Realm, Realm)] = []
            if trust.trustDirection != "One-Way: Incoming" { checks.append((remoteRealm, localRealm)) }
            if trust.trustDirection != "One-Way: Outgoing" { checks.append((localRealm, remoteRealm)) }
            for (client, service) in checks {
                if let failure = try await realms.probe(from: client, to: service) {
                    reason = "Access is denied. (\(failure))"
                    break
                }
            }
        } else {
            reason = "The specified domain name does not exist or could not be contacted"
        }
        let now = Date()
        let outcome = reason
        try await store.write { db in
            guard var current = try DSTrust.withId(trustId).fetchOne(db) else { return }
            current.trustState = outcome == nil ? "Verified" : "VerifyFailed"
            current.trustStateReason = outcome
            current.stateLastUpdatedDateTime = now
            current.lastUpdatedDateTime = now
            try current.update(db)
        }
    }
}
