import Foundation
import Logging
import Subprocess
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The one process supervisor: starts children, waits (bounded) until they serve, restarts the
/// ones that die, and stops them on request or at shutdown, SIGTERM first and SIGKILL after a
/// grace period. Only processes it started are ever signalled.
public actor Supervisor {
    /// A child that keeps dying is given up after this many restarts in `restartWindow`.
    public static let restartLimit = 5
    public static let restartWindow: Duration = .seconds(60)
    /// How often a running child is checked for an unexpected exit.
    static let livenessInterval: Duration = .milliseconds(100)

    private struct Entry {
        var status: ChildStatus
        var task: Task<Void, Never>
    }

    private var children: [String: Entry] = [:]
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Starts `spec` and returns once it is ready (or has failed to become ready).
    @discardableResult
    public func start(_ spec: ChildSpec) async -> ChildStatus {
        if let existing = children[spec.name], existing.status.state != .stopped, existing.status.state != .failed {
            return existing.status
        }
        let (stream, continuation) = AsyncStream<ChildStatus>.makeStream()
        let announcement = Announcement(continuation)
        let task = Task { await self.keepRunning(spec, announcement: announcement) }
        children[spec.name] = Entry(status: ChildStatus(state: .starting, pid: nil, restarts: 0, lastError: nil), task: task)
        for await status in stream { return status }
        return children[spec.name]?.status ?? ChildStatus(state: .failed, pid: nil, restarts: 0, lastError: "not started")
    }

    /// Stops a child and waits until it has exited.
    public func stop(_ name: String) async {
        guard let entry = children[name] else { return }
        entry.task.cancel()
        await entry.task.value
        update(name) { $0.state = .stopped; $0.pid = nil }
    }

    public func stopAll() async {
        for name in children.keys { await stop(name) }
    }

    public func status(_ name: String) -> ChildStatus? { children[name]?.status }

    public var statuses: [String: ChildStatus] { children.mapValues(\.status) }

    @discardableResult
    private func update(_ name: String, _ change: (inout ChildStatus) -> Void) -> ChildStatus? {
        guard var entry = children[name] else { return nil }
        change(&entry.status)
        children[name] = entry
        return entry.status
    }

    /// Runs `spec` until cancelled, restarting it when it exits on its own.
    private func keepRunning(_ spec: ChildSpec, announcement: Announcement) async {
        var recentRestarts: [ContinuousClock.Instant] = []
        defer { announcement.send(children[spec.name]?.status ?? ChildStatus(state: .stopped, pid: nil, restarts: 0, lastError: nil)) }

        while !Task.isCancelled {
            let outcome = await Self.runOnce(spec) { pid in
                await self.update(spec.name) { $0.state = .starting; $0.pid = pid }
                let deadline = ContinuousClock.now + spec.readinessTimeout
                // A child that exits while starting is not waited for until the deadline.
                while ContinuousClock.now < deadline, !Task.isCancelled, ProcessState.isRunning(pid) {
                    if await spec.isReady() {
                        if let status = await self.update(spec.name, { $0.state = .running; $0.lastError = nil }) {
                            announcement.send(status)
                        }
                        self.logger.info("\(spec.name) is ready", metadata: ["pid": "\(pid)"])
                        return true
                    }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            if Task.isCancelled { break }
            let problem: String
            switch outcome {
            case .launchFailed(let error): problem = "could not start: \(error)"
            case .notReady: problem = "exited or did not become ready within \(spec.readinessTimeout); see \(spec.logFile)"
            case .exited(let status): problem = "exited unexpectedly (\(status)); see \(spec.logFile)"
            }
            let now = ContinuousClock.now
            recentRestarts = recentRestarts.filter { now - $0 < Self.restartWindow } + [now]
            if recentRestarts.count > Self.restartLimit || outcome.isPermanent {
                logger.error("\(spec.name) failed: \(problem)")
                if let status = update(spec.name, { $0.state = .failed; $0.pid = nil; $0.lastError = problem }) {
                    announcement.send(status)
                }
                return
            }
            logger.warning("\(spec.name) \(problem); restarting")
            update(spec.name) { $0.state = .restarting; $0.pid = nil; $0.restarts += 1; $0.lastError = problem }
            try? await Task.sleep(for: .milliseconds(100 * recentRestarts.count))
        }
    }

    private enum Outcome {
        case launchFailed(String)
        case notReady
        case exited(String)

        var isPermanent: Bool {
            if case .launchFailed = self { return true }
            return false
        }
    }

    /// Runs the child once. Returns when it exits, or tears it down (SIGTERM, then SIGKILL after
    /// the grace period) when the task is cancelled or the child never became ready.
    private static func runOnce(_ spec: ChildSpec, whenStarted: @escaping @Sendable (Int32) async -> Bool) async -> Outcome {
        let log: FileDescriptor
        do {
            log = try FileDescriptor.open(
                FilePath(spec.logFile), .writeOnly, options: [.append, .create, .closeOnExec],
                permissions: [.ownerReadWrite])
        } catch {
            return .launchFailed("cannot open log \(spec.logFile): \(error)")
        }
        var options = PlatformOptions()
        options.createSession = true
        let teardown: [TeardownStep] = [.send(signal: Signal(rawValue: spec.stopSignal), allowedDurationToNextStep: spec.stopGrace)]
        options.teardownSequence = teardown
        do {
            let (executable, arguments) = spec.user?.command(spec.executable, spec.arguments) ?? (spec.executable, spec.arguments)
            let result = try await Subprocess.run(
                .path(FilePath(executable)),
                arguments: Arguments(arguments),
                environment: .custom(Dictionary(uniqueKeysWithValues: spec.environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
                workingDirectory: spec.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                output: .fileDescriptor(log, closeAfterSpawningProcess: false),
                error: .fileDescriptor(log, closeAfterSpawningProcess: false)
            ) { execution -> Bool in
                let pid = execution.processIdentifier.value
                guard await whenStarted(pid) else {
                    await execution.teardown(using: teardown)
                    return false
                }
                // Subprocess reaps the child only after this closure returns, so an exit shows
                // as a zombie until then.
                while !Task.isCancelled, ProcessState.isRunning(pid) {
                    try? await Task.sleep(for: livenessInterval)
                }
                return true
            }
            try? log.close()
            if !result.closureResult { return .notReady }
            return .exited("\(result.terminationStatus)")
        } catch {
            try? log.close()
            return .launchFailed("\(error)")
        }
    }
}

/// Hands `start` the child's first settled status (ready or failed), exactly once.
private final class Announcement: Sendable {
    private let continuation: Mutex<AsyncStream<ChildStatus>.Continuation?>

    init(_ continuation: AsyncStream<ChildStatus>.Continuation) {
        self.continuation = Mutex(continuation)
    }

    func send(_ status: ChildStatus) {
        continuation.withLock { pending in
            pending?.yield(status)
            pending?.finish()
            pending = nil
        }
    }
}
