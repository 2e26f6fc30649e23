import Foundation
import Logging
import Runtime

/// The scripts a container or a CI job gives Kerbside to run once it serves, as the AWS
/// emulators users know do it: every executable file in `<init dir>/ready.d`, in name order,
/// each to its end, with the endpoint and credentials in its environment (so `aws …` in it talks
/// to this Kerbside). `Ready.` is printed after them, so what they make is there when a suite
/// that waits for that line starts; health shows each one's outcome. Their output goes to the log
/// at debug only: a script may well print what it made, secrets included.
public actor InitHooks {
    public struct Outcome: Encodable, Sendable {
        public let name: String
        /// `running`, `succeeded` or `failed`.
        public var state: String
        public var exitCode: Int32?
        public var error: String?
    }

    private let folder: URL?
    private let environment: [String: String]
    private let logger: Logger
    private var outcomes: [Outcome] = []
    private static let timeout: Duration = .seconds(600)

    public init(folder: URL?, environment: [String: String], logger: Logger) {
        self.folder = folder?.appendingPathComponent("ready.d")
        self.environment = environment
        self.logger = logger
    }

    public var report: [Outcome] { outcomes }

    /// Runs the hooks against the endpoint Kerbside serves on (`http://host:port`).
    public func run(endpoint: String) async {
        guard let folder else { return }
        var environment = self.environment
        environment["AWS_ENDPOINT_URL"] = endpoint
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        for name in names {
            let path = folder.appendingPathComponent(name).path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                  FileManager.default.isExecutableFile(atPath: path) else { continue }
            outcomes.append(Outcome(name: name, state: "running"))
            let index = outcomes.count - 1
            do {
                let done = try await Command(path, [], environment: environment, timeout: Self.timeout).run()
                outcomes[index].exitCode = done.exitCode
                outcomes[index].state = done.succeeded ? "succeeded" : "failed"
                logger.debug("init hook \(name): \(done.standardOutput)\(done.standardError)")
                if done.succeeded {
                    logger.info("init hook \(name) succeeded")
                } else {
                    let reason = done.standardError.split(separator: "\n").last.map(String.init) ?? ""
                    outcomes[index].error = reason
                    logger.error("init hook \(name) exited \(done.exitCode.map(String.init) ?? "on a signal"): \(reason)")
                }
            } catch {
                outcomes[index].state = "failed"
                outcomes[index].error = "\(error)"
                logger.error("init hook \(name) could not run: \(error)")
            }
        }
    }
}
