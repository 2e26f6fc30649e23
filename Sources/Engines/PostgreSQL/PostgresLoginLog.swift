import Foundation

/// Reads refused logins out of a PostgreSQL server log, so Kerbside can report them with the
/// server's own reason (the client only ever sees the FATAL line).
public struct PostgresLoginLog: LoginLog {
    public typealias Refusal = LoginRefusal

    private var tail: LogTail

    public init(file: URL) {
        tail = LogTail(file: file)
    }

    /// The refusals written since the last call (at most `limit` bytes are read per call).
    public mutating func newRefusals() -> [Refusal] {
        newRefusals(limit: 1 << 20)
    }

    mutating func newRefusals(limit: Int) -> [Refusal] {
        let lines = tail.newLines(limit: limit)
        var refusals: [Refusal] = []
        for (index, line) in lines.enumerated() {
            guard let refusal = Self.refusal(in: line) else { continue }
            // The next line, when it is a DETAIL, says which rule or why.
            let detail = index + 1 < lines.count ? Self.message(after: "DETAIL:  ", in: lines[index + 1]) : nil
            refusals.append(detail.map { Refusal(user: refusal.user, method: refusal.method, reason: refusal.reason + " (" + $0 + ")") } ?? refusal)
        }
        return refusals
    }

    static func refusal(in line: String) -> Refusal? {
        guard let message = message(after: "FATAL:  ", in: line), let user = quoted(after: "user \"", in: message) else { return nil }
        let methods = [("password authentication failed", "password"), ("GSSAPI authentication failed", "kerberos"),
                       ("PAM authentication failed", "iam"), ("LDAP authentication failed", "iam"), ("pg_hba.conf rejects connection", "rules"),
                       ("no pg_hba.conf entry", "rules")]
        guard let method = methods.first(where: { message.hasPrefix($0.0) })?.1 else { return nil }
        return Refusal(user: user, method: method, reason: message)
    }

    static func message(after marker: String, in line: String) -> String? {
        line.range(of: marker).map { String(line[$0.upperBound...]) }
    }

    static func quoted(after marker: String, in text: String) -> String? {
        guard let start = text.range(of: marker) else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
