/// Running a program as another (unprivileged) user. The switch happens in a tiny program,
/// util-linux's `setpriv`, after `exec` and not in the forked child: glibc's `setuid`/`setgroups`
/// in a child forked from a multi-threaded process can deadlock on a lock some other thread held
/// at the fork (seen here: one spawn in a few hung in a futex before `exec`). `setpriv` execs the
/// program in place, so the pid Kerbside tracks is the program's own.
public struct RunAs: Sendable, Equatable {
    public static let setpriv = "/usr/bin/setpriv"

    public let uid: UInt32
    public let gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }

    /// The executable and arguments that run `executable` as this user, with no supplementary groups.
    public func command(_ executable: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
        (Self.setpriv, ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", executable] + arguments)
    }
}
