import Foundation
import GRDB
import Logging
import Runtime
import State

/// The endpoints of Aurora clusters that are not one server: each cluster's writer endpoint
/// (always the current writer), reader endpoint (new connections spread over the readers, or
/// the writer when there are none, as RDS does) and custom endpoints (their members). Each has
/// an address of its own at the cluster's port, where a relay passes connections to a member's
/// server. Routes follow the store and the servers: recomputed on every change Kerbside makes,
/// and every quarter second for the ones it does not (a server that died or came back).
public actor ClusterEndpointRelays {
    private let store: Store
    private let engines: EngineHost
    private let logger: Logger
    /// By endpoint host name.
    private var relays: [String: ConnectionRelay] = [:]
    /// Endpoints that could not listen, so the failure is logged once, not every quarter second.
    private var unbound: Set<String> = []
    private var watcher: Task<Void, Never>?

    public init(store: Store, engines: EngineHost, logger: Logger) {
        self.store = store
        self.engines = engines
        self.logger = logger
    }

    /// Brings every endpoint up and keeps them following the members.
    public func start() async {
        await refreshAll()
        guard watcher == nil else { return }
        watcher = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await self?.refreshAll()
            }
        }
    }

    /// Stops every relay and the watch (at shutdown).
    public func stopAll() async {
        watcher?.cancel()
        watcher = nil
        await removeAll()
    }

    /// Stops every relay (at a reset, whose clusters are gone).
    public func removeAll() async {
        for relay in relays.values { await relay.stop() }
        relays = [:]
        unbound = []
    }

    public struct Route: Sendable {
        public let host: String
        public let address: String
        public let targets: [String]
    }

    /// Every relayed endpoint and where its new connections go, for the health view.
    public func routes() -> [Route] {
        relays.map { Route(host: $0.key, address: $0.value.address, targets: $0.value.targets.map(\.description)) }
            .sorted { $0.host < $1.host }
    }

    /// Where the endpoints of every cluster should lead now; relays of endpoints that no longer
    /// exist are stopped.
    func refreshAll() async {
        guard let clusters = try? await store.read({ db in try RDSCluster.fetchAll(db) }) else { return }
        var wanted = Set<String>()
        for cluster in clusters where cluster.status != "deleting" {
            wanted.formUnion(await refresh(cluster))
        }
        for (host, relay) in relays where !wanted.contains(host) {
            await relay.stop()
            relays[host] = nil
        }
    }

    /// Recomputes the routes of one cluster (after a failover, a member change, a new endpoint).
    func refresh(clusterId: String) async {
        guard let cluster = try? await store.read({ db in try RDSCluster.withId(clusterId).fetchOne(db) }) else { return }
        _ = await refresh(cluster)
    }

    /// The cluster's endpoints and their targets; answers the hosts it serves.
    private func refresh(_ cluster: RDSCluster) async -> Set<String> {
        guard let (members, custom) = try? await store.read({ db in
            (try RDSInstance.members(of: cluster.resourceId).fetchAll(db), try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db))
        }) else { return [] }
        var serving: [RDSInstance] = []
        for member in members where member.status != "deleting" && member.status != "stopped" {
            if await engines.isRunning(member) { serving.append(member) }
        }
        let writer = serving.filter(\.isClusterWriter)
        let readers = serving.filter { !$0.isClusterWriter }
        var routes: [(host: String, address: String, targets: [RDSInstance])] = [
            (cluster.endpointHost, cluster.address, writer),
            (cluster.readerEndpointHost, cluster.readerAddress, readers.isEmpty ? writer : readers),
        ]
        for endpoint in custom where endpoint.status != "deleting" {
            let candidates = endpoint.endpointType == "READER" ? readers : serving
            let chosen = endpoint.staticMembers.isEmpty
                ? candidates.filter { !endpoint.excludedMembers.contains($0.identifier) }
                : candidates.filter { endpoint.staticMembers.contains($0.identifier) }
            routes.append((endpoint.endpointHost, endpoint.address, chosen))
        }
        for route in routes {
            let targets = route.targets.map { ConnectionRelay.Target(address: $0.address, port: $0.port) }
            await relay(route.host, address: route.address, port: cluster.port)?.route(to: targets)
        }
        return Set(routes.map(\.host))
    }

    /// The endpoint's relay, started on first use.
    private func relay(_ host: String, address: String, port: Int) async -> ConnectionRelay? {
        if let relay = relays[host], relay.address == address, relay.port == port { return relay }
        let stale = relays[host]
        let relay = ConnectionRelay(address: address, port: port)
        // Claimed before the first suspension: a refresh that runs meanwhile (the actor is
        // reentrant) routes this relay instead of making a second one that cannot bind.
        relays[host] = relay
        await stale?.stop()
        do {
            try await relay.start()
        } catch {
            if unbound.insert(host).inserted {
                logger.error("the endpoint \(host) cannot listen on \(address):\(port): \(error)")
            }
            if relays[host] === relay { relays[host] = nil }
            return nil
        }
        unbound.remove(host)
        return relay
    }
}
