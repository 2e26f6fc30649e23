import Logging
import Runtime
import ServiceLifecycle
import Services

/// The child processes as one long-running part of the service group: on start it brings back
/// every realm, the cluster endpoints, and then every DB instance the store knows (after a crash or `kill -9`, orphans are stopped first); on
/// graceful shutdown it stops every child it started.
struct RuntimeService: Service {
    let supervisor: Supervisor
    let realms: RealmHost
    let engines: EngineHost
    let relays: ClusterEndpointRelays
    let logger: Logger

    func run() async throws {
        await realms.restoreAll()
        do {
            try await engines.logins.start()
        } catch {
            logger.error("IAM database logins cannot be checked: \(error)")
        }
        await relays.start()
        await engines.restoreAll()
        await engines.finishClusterTransitions()
        try? await gracefulShutdown()
        logger.info("stopping child processes")
        await relays.stopAll()
        await supervisor.stopAll()
        await engines.logins.stop()
    }
}
