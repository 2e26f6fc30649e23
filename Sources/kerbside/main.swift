import ArgumentParser
import Endpoint
import Foundation
import Logging

@main
struct Kerbside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kerbside",
        abstract: "A local AWS for database authentication: IAM, STS, Directory Service and RDS, backed by real Kerberos realms and real databases.",
        discussion: """
            Point the AWS CLI, an SDK or Terraform at Kerbside's endpoint:
              export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
            """,
        version: KerbsideServer.version,
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Kerbside in the foreground until SIGTERM or SIGINT.")

    @Option(help: "Address to listen on. Keep the loopback default unless other hosts must reach Kerbside.")
    var host = "127.0.0.1"

    @Option(help: "Port of the AWS endpoint.")
    var port = 4566

    @Option(help: "Directory for Kerbside's state (created 0700). Default: $KERBSIDE_DATA_DIR, else $XDG_DATA_HOME/kerbside, else ~/.local/share/kerbside.")
    var dataDir: String?

    @Flag(help: "Refuse access keys that Kerbside did not issue (InvalidClientTokenId), instead of treating them as the account's root user.")
    var strictCredentials = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical. Requests are logged at debug, refusals at info.")
    var logLevel: Logger.Level = .info

    mutating func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let options = ServerOptions(host: host, port: port, dataDirectory: Self.dataDirectory(dataDir), strictCredentials: strictCredentials)
        try await KerbsideServer(options: options, logger: Logger(label: "kerbside")).run()
    }

    static func dataDirectory(_ explicit: String?) -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = explicit ?? environment["KERBSIDE_DATA_DIR"] { return URL(fileURLWithPath: path) }
        if let xdg = environment["XDG_DATA_HOME"] { return URL(fileURLWithPath: xdg).appendingPathComponent("kerbside") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/kerbside")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
