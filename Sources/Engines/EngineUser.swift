import Foundation
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// The operating-system user database servers run as. PostgreSQL and MariaDB refuse to run as
/// root, so a Kerbside started as root drops them to the user their Debian package made
/// (`postgres`, `mysql`); otherwise they run as Kerbside's own user.
public struct EngineUser: Sendable, Equatable {
    public let name: String
    public let uid: UInt32
    public let gid: UInt32

    public var isKerbsideItself: Bool { uid == getuid() }

    /// How a child is started as this user; nil when that is Kerbside's own user.
    public var runAs: RunAs? { isKerbsideItself ? nil : RunAs(uid: uid, gid: gid) }

    /// `systemUser` when Kerbside runs as root, else Kerbside's own user; `engine` and `package`
    /// name what is missing when that user is not there.
    public static func forDatabases(systemUser: String = "postgres", engine: String = "PostgreSQL",
                                    package: String = "postgresql") throws -> EngineUser {
        guard getuid() == 0 else {
            return EngineUser(name: String(cString: getpwuid(getuid()).pointee.pw_name), uid: getuid(), gid: getgid())
        }
        guard let entry = getpwnam(systemUser) else {
            throw EngineError("Kerbside runs as root, and \(engine) will not; it needs the unprivileged user `\(systemUser)` (installed with the \(package) package)")
        }
        return EngineUser(name: systemUser, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    /// Hands a file or folder to this user (a no-op when Kerbside runs as the same user).
    public func own(_ url: URL) throws {
        guard !isKerbsideItself else { return }
        guard chown(url.path, uid, gid) == 0 else { throw EngineError("cannot give \(url.path) to \(name): \(String(cString: strerror(errno)))") }
    }

    /// The folders above `url` this user cannot pass through, if any: the engine could not reach its files.
    public func blockedAncestors(of url: URL) -> [String] {
        guard !isKerbsideItself else { return [] }
        var blocked: [String] = []
        var path = url.standardizedFileURL.path
        while path != "/" && !path.isEmpty {
            path = (path as NSString).deletingLastPathComponent
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let mode = info.st_mode
            let passable = (info.st_uid == uid && mode & S_IXUSR != 0) || (info.st_gid == gid && mode & S_IXGRP != 0) || mode & S_IXOTH != 0
            if !passable { blocked.append(path) }
        }
        return blocked
    }
}
