import Foundation
import Subprocess
import SystemPackage

/// A short-lived command (`kdb5_util`, `kadmin.local`, `initdb`): run to completion with a time
/// limit, its output collected (bounded). Secrets go in through standard input, never argv, so
/// they do not show in `ps`; callers must not log `standardOutput` of commands that echo input.
public struct Command: Sendable {
    public struct Result: Sendable {
        public let exitCode: Int32?
        public let standardOutput: String
        public let standardError: String

        public var succeeded: Bool { exitCode == 0 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let outputLimit = 1 << 20

    public let executable: String
    public let arguments: [String]
    public let environment: [String: String]
    public let timeout: Duration
    /// Run as this user instead of Kerbside's own (for tools that refuse root, like initdb).
    public let user: RunAs?

    public init(_ executable: String, _ arguments: [String], environment: [String: String], timeout: Duration = .seconds(30),
                user: RunAs? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
        self.user = user
    }

    public func run(input: String? = nil) async throws -> Result {
        let (executable, arguments) = user?.command(self.executable, self.arguments) ?? (self.executable, self.arguments)
        let timeout = self.timeout
        let environment = Environment.custom(Dictionary(uniqueKeysWithValues: self.environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) }))
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(1))]
        let platformOptions = options
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                let outcome = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments), environment: environment,
                    platformOptions: platformOptions, input: .string(input ?? ""),
                    output: .string(limit: Self.outputLimit), error: .string(limit: Self.outputLimit))
                let code: Int32?
                if case .exited(let status) = outcome.terminationStatus { code = status } else { code = nil }
                return Result(exitCode: code, standardOutput: outcome.standardOutput ?? "", standardError: outcome.standardError ?? "")
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw Failure(description: "\(executable) did not finish within \(timeout)")
            }
            return result
        }
    }
}
