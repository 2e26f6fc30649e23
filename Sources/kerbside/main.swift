import ArgumentParser
import Endpoint
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        subcommands: [Serve.self, Krb5Conf.self, Env.self],
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

    @Option(help: "Directory for Kerbside's state (created 0711; everything in it is private). Default: $KERBSIDE_DATA_DIR, else /var/lib/kerbside as root, else $XDG_DATA_HOME/kerbside, else ~/.local/share/kerbside. As root, database servers run as `postgres`, which must be able to pass through every folder above it.")
    var dataDir: String?

    @Option(help: "Folder of engine templates shared by this machine's data directories, so a fresh one copies a template instead of running initdb. Default: $KERBSIDE_TEMPLATE_CACHE, else /var/cache/kerbside/templates as root, else $XDG_CACHE_HOME/kerbside/templates, else ~/.cache/kerbside/templates; `none` for no sharing.")
    var templateCache: String?

    @Option(help: "A folder whose ready.d/ holds executable scripts to run, in name order, once Kerbside serves (with AWS_ENDPOINT_URL and test credentials set); `Ready.` follows them. Default: $KERBSIDE_INIT_DIR, else none.")
    var initDir: String?

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
        let options = ServerOptions(host: host, port: port, dataDirectory: Self.dataDirectory(dataDir), strictCredentials: strictCredentials,
                                    templateCache: Self.templateCache(templateCache),
                                    initDirectory: (initDir ?? ProcessInfo.processInfo.environment["KERBSIDE_INIT_DIR"]).map { URL(fileURLWithPath: $0) })
        try await KerbsideServer(options: options, logger: Logger(label: "kerbside")).run()
    }

    static func dataDirectory(_ explicit: String?) -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = explicit ?? environment["KERBSIDE_DATA_DIR"] { return URL(fileURLWithPath: path) }
        // Root's home is closed to other users, and PostgreSQL runs as `postgres`.
        if getuid() == 0 { return URL(fileURLWithPath: "/var/lib/kerbside") }
        if let xdg = environment["XDG_DATA_HOME"] { return URL(fileURLWithPath: xdg).appendingPathComponent("kerbside") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/kerbside")
    }
}

extension Serve {
    static func templateCache(_ explicit: String?) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let path = explicit ?? environment["KERBSIDE_TEMPLATE_CACHE"] { return path == "none" ? nil : URL(fileURLWithPath: path) }
        if getuid() == 0 { return URL(fileURLWithPath: "/var/cache/kerbside/templates") }
        if let xdg = environment["XDG_CACHE_HOME"] { return URL(fileURLWithPath: xdg).appendingPathComponent("kerbside/templates") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/kerbside/templates")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Reads from a running Kerbside, so the commands work against any instance and data directory.
struct EndpointOption: ParsableArguments {
    @Option(help: "The running Kerbside to ask.")
    var endpoint = ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"] ?? "http://127.0.0.1:4566"

    func fetch(_ path: String) async throws -> Data {
        guard let url = URL(string: endpoint.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path) else {
            throw ValidationError("--endpoint must be a URL")
        }
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Unanswered("no Kerbside answers at \(endpoint) (\(error.localizedDescription)); start one with `kerbside serve`, "
                             + "or name the one running with --endpoint or AWS_ENDPOINT_URL")
        }
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Unanswered("\(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): is that Kerbside?")
        }
        return data
    }
}

/// A running Kerbside was asked and did not answer (printed as `Error: …`, without the usage).
struct Unanswered: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct Krb5Conf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "krb5-conf",
        abstract: "Print the krb5.conf for every realm Kerbside runs (the same as GET /_kerbside/krb5.conf).")

    @OptionGroup var endpoint: EndpointOption

    mutating func run() async throws {
        FileHandle.standardOutput.write(try await endpoint.fetch("/_kerbside/krb5.conf"))
    }
}

struct Env: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the shell exports a client needs: the endpoint, credentials, region and KRB5_CONFIG.",
        discussion: "Use it as: eval \"$(kerbside env)\"")

    @OptionGroup var endpoint: EndpointOption

    @Option(help: "Region to export.")
    var region = "us-east-1"

    mutating func run() async throws {
        struct Health: Decodable { let krb5Config: String }
        let health = try JSONDecoder().decode(Health.self, from: try await endpoint.fetch("/_kerbside/health"))
        let exports = [
            ("AWS_ENDPOINT_URL", endpoint.endpoint), ("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_DEFAULT_REGION", region), ("AWS_REGION", region), ("KRB5_CONFIG", health.krb5Config),
        ]
        print(exports.map { "export \($0.0)='\($0.1)'" }.joined(separator: "\n"))
    }
}
