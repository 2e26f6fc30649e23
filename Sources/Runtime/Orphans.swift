import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a process still runs. A zombie (exited, not yet reaped) counts as gone: it holds no
/// ports, and a child stays one until whoever waits for it does.
enum ProcessState {
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let closing = status.lastIndex(of: ")") else { return true }
        return status[status.index(after: closing)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }
}

/// Children left running when Kerbside was killed (`kill -9` skips shutdown). On the next start
/// they are found by the pid files in Kerbside's own data directory and stopped, but only after
/// checking the process really is that child: its program, and a marker (a path inside the data
/// directory) in its command line or environment. Nothing else is ever signalled.
public enum Orphans {
    /// Stops the process named in `pidFile` if it is the expected leftover. Bounded: `signal`
    /// (SIGTERM unless the program stops faster on another), up to `grace` to exit, then SIGKILL.
    @discardableResult
    public static func stop(pidFile: URL, program: String, marker: String, signal: Int32 = SIGTERM,
                            grace: Duration = .seconds(5)) async -> Bool {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
              let pid = Int32(text.split(whereSeparator: \.isNewline).first?.trimmingCharacters(in: .whitespaces) ?? ""),
              pid > 1, isExpected(pid, program: program, marker: marker)
        else { return false }
        kill(pid, signal)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, isAlive(pid) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isAlive(pid) { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: pidFile)
        return true
    }

    static func isAlive(_ pid: Int32) -> Bool { ProcessState.isRunning(pid) }

    static func isExpected(_ pid: Int32, program: String, marker: String) -> Bool {
        let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))) ?? Data()
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let executable = arguments.first, (executable as NSString).lastPathComponent == program else { return false }
        let haystack = String(decoding: cmdline + environ, as: UTF8.self)
        return haystack.contains(marker)
    }
}
