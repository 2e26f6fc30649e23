import Foundation

/// The keytab MariaDB's `auth_gssapi` reads (`run/gssapi.keytab`): the server's own keytab while
/// it has one, otherwise a stand-in holding the service principal with a random key. The plugin
/// refuses to load without a key for its principal, and a server that cannot load it cannot
/// apply (replicate, replay, restore) an `IDENTIFIED VIA gssapi` account; with the stand-in it
/// loads always, and refuses every ticket until the real keytab arrives. MIT Kerberos reads the
/// file at each login, so the swap needs no restart.
enum GSSAPIKeytab {
    /// `aes256-cts-hmac-sha1-96`.
    private static let enctype: UInt16 = 18

    /// Puts `keytab`, or a stand-in for `principal` when it does not exist, at `target`; whole
    /// or not at all (renamed into place), readable by `user` only.
    static func refresh(_ target: URL, from keytab: URL, principal: String, user: EngineUser) throws {
        let data = (try? Data(contentsOf: keytab)) ?? standIn(for: principal)
        guard (try? Data(contentsOf: target)) != data else { return }
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: partial)
        guard FileManager.default.createFile(atPath: partial.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw EngineError("cannot write \(partial.path)")
        }
        try user.own(partial)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: partial, to: target)
    }

    /// A keytab (format 0x0502) with one entry: `principal` (`service/host@REALM`), kvno 1, a random key.
    static func standIn(for principal: String) -> Data {
        let (name, realm) = principal.lastIndex(of: "@").map { (principal[..<$0], principal[principal.index(after: $0)...]) }
            ?? (Substring(principal), "KERBSIDE.INVALID")
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        var entry = Data()
        entry.append(bigEndian: UInt16(components.count))
        entry.append(counted: Data(realm.utf8))
        for component in components { entry.append(counted: Data(component.utf8)) }
        entry.append(bigEndian: UInt32(1))                                    // KRB5_NT_PRINCIPAL
        entry.append(bigEndian: UInt32(Date().timeIntervalSince1970))
        entry.append(1)                                                       // kvno
        entry.append(bigEndian: enctype)
        entry.append(counted: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        var file = Data([0x05, 0x02])
        file.append(bigEndian: UInt32(entry.count))
        file.append(entry)
        return file
    }
}

private extension Data {
    mutating func append<Integer: FixedWidthInteger>(bigEndian value: Integer) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    mutating func append(counted bytes: Data) {
        append(bigEndian: UInt16(bytes.count))
        append(bytes)
    }
}
