import Foundation
import Runtime

/// A data directory made once per PostgreSQL major version and copied for every new DB instance:
/// copying takes a fraction of `initdb`'s time. It already holds RDS's roles (`rds_superuser`,
/// `rds_ad`, `rds_iam`, …) and Kerbside's own superuser `rdsadmin`, as RDS has.
public enum PostgresTemplate {
    public static let administrator = "rdsadmin"

    static let bootstrapSQL = """
        CREATE ROLE rds_superuser NOLOGIN;
        GRANT pg_read_all_data, pg_write_all_data, pg_signal_backend, pg_read_all_settings, pg_read_all_stats,
              pg_stat_scan_tables, pg_monitor, pg_checkpoint TO rds_superuser WITH ADMIN OPTION;
        CREATE ROLE rds_ad NOLOGIN;
        CREATE ROLE rds_iam NOLOGIN;
        CREATE ROLE rds_password NOLOGIN;
        CREATE ROLE rds_replication NOLOGIN;
        """

    /// The template for `installation` in `folders`, made now if there is none yet.
    public static func ensure(in folders: TemplateFolders, installation: PostgresInstallation, user: EngineUser) async throws -> URL {
        try await folders.ensure("postgres-\(installation.major)", marker: "PG_VERSION") { building in
            try await make(building, installation: installation, user: user)
        }
    }

    /// initdb at `building`, and RDS's roles in it.
    private static func make(_ building: URL, installation: PostgresInstallation, user: EngineUser) async throws {
        let socket = building.deletingLastPathComponent().appendingPathComponent("building-socket-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: socket) }
        for directory in [building, socket] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try user.own(directory)
        }
        let environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"]
        let asUser = user.runAs
        let initdb = try await Command(installation.tool("initdb"),
            ["-D", building.path, "-U", administrator, "-N", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
             // 1 MB WAL segments: a sixteenth of the default to copy per instance and per archived segment.
             "--wal-segsize=1"],
            environment: environment, timeout: .seconds(120), user: asUser).run()
        guard initdb.succeeded else { throw EngineError("initdb failed: \(initdb.standardError)") }
        let configuration = building.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configuration)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n# Kerbside: each DB instance's settings\ninclude_if_exists = 'kerbside.conf'\n".utf8))
        try handle.close()

        let options = "-c listen_addresses='' -c unix_socket_directories='\(socket.path)' -p 5432"
        let start = try await Command(installation.tool("pg_ctl"), ["-D", building.path, "-o", options, "-w", "-t", "60", "-l", building.appendingPathComponent("bootstrap.log").path, "start"],
                                      environment: environment, timeout: .seconds(90), user: asUser).run()
        guard start.succeeded else { throw EngineError("the template server did not start: \(start.standardError)") }
        let sql = try await Command(installation.tool("psql"),
            ["-h", socket.path, "-p", "5432", "-U", administrator, "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1"],
            environment: environment, timeout: .seconds(30)).run(input: bootstrapSQL)
        let stop = try await Command(installation.tool("pg_ctl"), ["-D", building.path, "-m", "fast", "-w", "-t", "60", "stop"],
                                     environment: environment, timeout: .seconds(90), user: asUser).run()
        guard sql.succeeded else { throw EngineError("the template's roles could not be made: \(sql.standardError)") }
        guard stop.succeeded else { throw EngineError("the template server did not stop: \(stop.standardError)") }
        try? FileManager.default.removeItem(at: building.appendingPathComponent("bootstrap.log"))
    }
}
