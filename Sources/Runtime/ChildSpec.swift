import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child process Kerbside owns: a KDC, a database server.
public struct ChildSpec: Sendable {
    /// Unique among running children, e.g. `kdc d-1234567890`.
    public let name: String
    public let executable: String
    public let arguments: [String]
    /// The complete environment (nothing is inherited, so no secret leaks in by accident).
    public let environment: [String: String]
    public let workingDirectory: String?
    /// Standard output and error are appended here.
    public let logFile: String
    /// Run as this user (needed for PostgreSQL, which refuses root).
    public let user: RunAs?
    /// Answers true once the child serves; checked until `readinessTimeout` passes.
    public let isReady: @Sendable () async -> Bool
    public let readinessTimeout: Duration
    /// The signal that asks the child to stop (PostgreSQL's fast shutdown is SIGINT).
    public let stopSignal: Int32
    /// After `stopSignal`, how long the child may take before SIGKILL.
    public let stopGrace: Duration

    public init(
        name: String, executable: String, arguments: [String], environment: [String: String],
        workingDirectory: String? = nil, logFile: String, user: RunAs? = nil,
        readinessTimeout: Duration = .seconds(10), stopSignal: Int32 = SIGTERM, stopGrace: Duration = .seconds(5),
        isReady: @escaping @Sendable () async -> Bool
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logFile = logFile
        self.user = user
        self.isReady = isReady
        self.readinessTimeout = readinessTimeout
        self.stopSignal = stopSignal
        self.stopGrace = stopGrace
    }
}

/// What a supervised child is doing, as health reports it.
public struct ChildStatus: Sendable, Equatable, Encodable {
    public enum State: String, Sendable, Encodable {
        case starting
        case running
        case restarting
        /// Could not be started or kept running; see `lastError`.
        case failed
        case stopped
    }

    public var state: State
    public var pid: Int32?
    public var restarts: Int
    public var lastError: String?
}
