import Foundation
import Runtime

/// Where an engine keeps its templates: the data directory's own folder, seeded from a cache
/// shared by every data directory on the machine. A data directory keeps its own copy for good:
/// its servers' copies, snapshots and replicas build on it, so it must never change under them
/// (a MariaDB replica logs in to its primary with the template's replication password). The
/// cache only spares a fresh data directory (every CI job's) the engine's installer, about a
/// second of `initdb` or `mariadb-install-db`, for a copy of a tenth of that.
public struct TemplateFolders: Sendable {
    /// The data directory's templates.
    public let local: URL
    /// The machine's cache, or nil for none.
    public let shared: URL?

    public init(local: URL, shared: URL?) {
        self.local = local
        self.shared = shared
    }

    /// The template `name`, whole once `marker` (a file in it) exists: the local one; else a copy
    /// of the cache's; else one `build` makes at the folder it is given (which does not exist
    /// yet), which then goes to the cache for the next data directory. Two Kerbsides may race to
    /// fill the cache: each writes under a name of its own and renames, so the cache only ever
    /// holds whole templates, the first one in.
    public func ensure(_ name: String, marker: String, build: (URL) async throws -> Void) async throws -> URL {
        let template = local.appendingPathComponent(name)
        if Self.isWhole(template, marker) { return template }
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let building = local.appendingPathComponent("building-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: building) }
        let cached = shared?.appendingPathComponent(name)
        if let cached, Self.isWhole(cached, marker) {
            try await FileTree.copy(cached, to: building)
        } else {
            try await build(building)
        }
        try FileManager.default.moveItem(at: building, to: template)
        if let shared, let cached, !Self.isWhole(cached, marker) { await publish(template, to: shared, as: name) }
        return template
    }

    private static func isWhole(_ template: URL, _ marker: String) -> Bool {
        FileManager.default.fileExists(atPath: template.appendingPathComponent(marker).path)
    }

    /// A copy of `template` in the cache; a cache that cannot be written only costs speed.
    private func publish(_ template: URL, to shared: URL, as name: String) async {
        let partial = shared.appendingPathComponent(".\(name)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
            try await FileTree.copy(template, to: partial)
            try FileManager.default.moveItem(at: partial, to: shared.appendingPathComponent(name))
        } catch {
            try? FileManager.default.removeItem(at: partial)
        }
    }
}
