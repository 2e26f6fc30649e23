import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One Kerbside per data directory. Two would fight over its KDCs and database servers (each
/// stopping the other's as orphans), and the first would be left calling a dead server
/// `available`. The lock is an advisory `flock` on `kerbside.pid`, held for the life of the
/// process (the kernel lets go when it ends, however it ends), and the file names the holder.
public final class DataDirectoryLock: Sendable {
    public static let fileName = "kerbside.pid"

    private let descriptor: Int32

    /// Takes the lock of `directory` (which must exist), or throws naming the Kerbside that has it.
    public init(_ directory: URL) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LockError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw LockError("another Kerbside\(holder.isEmpty ? "" : " (pid \(holder))") serves the data directory \(directory.path); "
                            + "stop it first, or give this one its own --data-dir")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

public struct LockError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
