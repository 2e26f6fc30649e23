import Foundation

/// Reads refused logins out of a MariaDB error log (`[Warning] Access denied for user 'app'@'…'
/// (using password: YES)`), so Kerbside reports them with the server's own words.
public struct MariaDBLoginLog: LoginLog {
    private var tail: LogTail

    public init(file: URL) {
        tail = LogTail(file: file)
    }

    public mutating func newRefusals() -> [LoginRefusal] {
        tail.newLines().compactMap(Self.refusal(in:))
    }

    static func refusal(in line: String) -> LoginRefusal? {
        guard let start = line.range(of: "Access denied for user '") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return LoginRefusal(user: String(rest[..<end]), method: "password", reason: String(line[start.lowerBound...]))
    }
}
