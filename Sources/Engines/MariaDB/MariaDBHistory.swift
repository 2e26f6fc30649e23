import Foundation
import Runtime

/// How Kerbside copies a running MariaDB server (a snapshot, a base backup, a read replica, an
/// Aurora reader): as the template every server starts from plus the server's binary log, which
/// the copy replays on its first start. A copy of the files is not an answer: `mariadb-backup`
/// refuses a server that reports a MySQL version (it checks `@@version` for MariaDB's), and
/// the files of a running InnoDB are not consistent. The binary log is whole because Kerbside
/// never purges it and replayed changes are logged again, so a copy of a copy is whole too.
/// Replicas need no replay: they stream the primary's binary log from its start.
extension MariaDBServer {
    /// In a copy's data directory: the binary logs its first start replays, then removes.
    static let historyFolder = "kerbside-history"
    /// In a new replica's folder: the primary's position when the copy began, which the replica
    /// reaches before it serves, so it has every row its primary had.
    static let catchUpFile = "catch-up.gtid"

    var pendingHistory: URL { dataDirectory.appendingPathComponent(Self.historyFolder) }
    var hasPendingHistory: Bool { FileManager.default.fileExists(atPath: pendingHistory.path) }
    var catchUp: URL { folder.appendingPathComponent(Self.catchUpFile) }

    /// The template and every binary log the server has closed, in `target` (which must not exist).
    public func backup(to target: URL, port: Int) async throws {
        try files.makeBackupFolder(for: target)
        let logs = try await closeBinaryLog()
        let template = try await MariaDBTemplate.ensure(in: templates, installation: installation, user: user)
        try await FileTree.copy(template, to: target)
        let history = target.appendingPathComponent(Self.historyFolder)
        try FileManager.default.createDirectory(at: history, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try user.own(history)
        for log in logs { try copyOwned(log, into: history) }
    }

    /// A fresh server from the template that will stream the primary's binary log from its start.
    public func createReplica(of primary: ReplicationSource) async throws {
        let source = MariaDBServer(folder: primary.folder, installation: installation, user: user, templates: templates)
        let position = try await source.administer("SELECT @@gtid_binlog_pos;", port: 0).trimmingCharacters(in: .whitespacesAndNewlines)
        let template = try await MariaDBTemplate.ensure(in: templates, installation: installation, user: user)
        try await create(from: template, adopting: false)
        try files.write(position, to: catchUp)
    }

    /// Closes the current binary log; answers the closed ones, oldest first.
    func closeBinaryLog() async throws -> [URL] {
        try await administer("FLUSH BINARY LOGS;", port: 0)
        let current = try await administer("SHOW MASTER STATUS;", port: 0).split(separator: "\t").first.map(String.init) ?? ""
        return binaryLogs(in: dataDirectory).filter { $0.lastPathComponent != current }
    }

    /// `mysql-bin.000001` and on in `folder`, oldest first (the names sort by number).
    func binaryLogs(in folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("mysql-bin.") && $0 != "mysql-bin.index" }
            .sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// Copies `file` into `folder` under a temporary name first, so a half-written copy is never
    /// taken for a whole one; the engine user owns the copy.
    func copyOwned(_ file: URL, into folder: URL) throws {
        let copy = folder.appendingPathComponent(file.lastPathComponent)
        guard !FileManager.default.fileExists(atPath: copy.path) else { return }
        let partial = folder.appendingPathComponent(".\(file.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: partial)
        try FileManager.default.copyItem(at: file, to: partial)
        try FileManager.default.moveItem(at: partial, to: copy)
        try user.own(copy)
    }

    /// On a copy's first start: replays the history it carries, or for a restore to a point in
    /// time, the source's archive (a whole history too, and newer) up to the target time, to the
    /// second: binary log events carry whole seconds, so a change in the target's own second is kept.
    func replayHistory(_ recovery: ServerSettings.Recovery?) async throws {
        guard hasPendingHistory else { return }
        var logs = binaryLogs(in: pendingHistory)
        if let recovery, let archived = newestWriter(in: recovery.archive) { logs = binaryLogs(in: archived) }
        if !logs.isEmpty {
            var arguments = ["--base64-output=auto"]
            if let target = recovery?.targetTime {
                arguments.append("--stop-datetime=\(Self.binaryLogTime(target.addingTimeInterval(1)))")
            }
            // Piped, not buffered: a history can be larger than a command's captured output.
            let replay = try await Command("/bin/bash", [
                "-o", "pipefail", "-c", #""$0" "$@" | "$REPLAY_CLIENT" --defaults-extra-file="$REPLAY_ADMIN" --socket="$REPLAY_SOCKET" --batch"#,
                installation.tool("mariadb-binlog"),
            ] + arguments + logs.map(\.path), environment: environment.merging([
                "REPLAY_CLIENT": installation.tool("mariadb"), "REPLAY_ADMIN": administratorFile.path, "REPLAY_SOCKET": socket.path, "TZ": "UTC",
            ]) { $1 }, timeout: .seconds(600)).run()
            guard replay.succeeded else {
                throw EngineError("replaying the copied binary log failed: \(replay.standardError.trimmingCharacters(in: .whitespacesAndNewlines).suffix(600))")
            }
        }
        try FileManager.default.removeItem(at: pendingHistory)
    }

    /// The folder of `archive` (one per server that wrote to it) with the newest binary log: its
    /// server was the last writer, and its log holds every change before it too (a replica logs
    /// what it applies).
    func newestWriter(in archive: URL) -> URL? {
        let servers = ((try? FileManager.default.contentsOfDirectory(atPath: archive.path)) ?? [])
            .filter { $0.hasPrefix("server-") }.map { archive.appendingPathComponent($0) }
        func newest(_ folder: URL) -> Date {
            binaryLogs(in: folder).compactMap { try? $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate }.max() ?? .distantPast
        }
        return servers.filter { !binaryLogs(in: $0).isEmpty }.max { newest($0) < newest($1) }
    }

    /// A new replica waits (bounded) until it has what its primary had when the copy began.
    func catchUpWithPrimary() async throws {
        guard let position = try? String(contentsOf: catchUp, encoding: .utf8) else { return }
        try await waitUntilReplayed(ReplicationPosition(position.trimmingCharacters(in: .whitespacesAndNewlines)), port: 0, timeout: .seconds(120))
        try FileManager.default.removeItem(at: catchUp)
    }

    /// `mariadb-binlog`'s time format, in UTC (the replay runs with `TZ=UTC`).
    static func binaryLogTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
