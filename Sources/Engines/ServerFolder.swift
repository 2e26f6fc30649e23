import Foundation
import Runtime

/// The folder one database server lives in, whatever its engine: private to the engine user
/// (its parent only passable), with its data directory put in by a copy or a move, and its TLS
/// files and keytab written 0600 and handed to that user.
public struct ServerFolder: Sendable {
    public let folder: URL
    public let user: EngineUser
    public let dataDirectory: URL
    /// Private folders the server needs beside its data (its socket's, `tls`).
    let subfolders: [URL]

    public init(_ folder: URL, user: EngineUser, data: String, subfolders: [String]) {
        self.folder = folder
        self.user = user
        dataDirectory = folder.appendingPathComponent(data)
        self.subfolders = (subfolders + ["tls"]).map { folder.appendingPathComponent($0) }
    }

    public var keytab: URL { folder.appendingPathComponent("krb5.keytab") }
    public var certificateFile: URL { folder.appendingPathComponent("tls/server.crt") }
    public var keyFile: URL { folder.appendingPathComponent("tls/server.key") }

    /// Makes the folder and puts `source` in it as the data directory: copied, or moved when `adopting`.
    public func fill(from source: URL, adopting: Bool) async throws {
        try make()
        if adopting {
            try FileManager.default.moveItem(at: source, to: dataDirectory)
        } else {
            try await FileTree.copy(source, to: dataDirectory)
        }
        try user.own(dataDirectory)
    }

    /// The folder and its private subfolders; the parent is 0711 so the engine user passes
    /// through it but lists nothing in it.
    public func make() throws {
        let files = FileManager.default
        try files.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try files.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try user.own(folder)
        for directory in subfolders {
            try files.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try user.own(directory)
        }
    }

    /// A folder the engine user writes to elsewhere (the change archive, shared by a cluster's writers).
    public func makePrivateFolder(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try user.own(url)
    }

    /// The folder a backup is written into (`target`'s parent), made if need be and given to the
    /// engine user; not the folders above it: an instance (or snapshot store) removed meanwhile stays removed.
    public func makeBackupFolder(for target: URL) throws {
        let parent = target.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: parent.path) {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        try user.own(parent)
    }

    public func moveData(to target: URL) throws {
        try FileManager.default.moveItem(at: dataDirectory, to: target)
    }

    public func destroy() throws {
        if FileManager.default.fileExists(atPath: folder.path) { try FileManager.default.removeItem(at: folder) }
    }

    public var hasTLS: Bool {
        FileManager.default.fileExists(atPath: certificateFile.path) && FileManager.default.fileExists(atPath: keyFile.path)
    }

    public func installTLS(certificatePEM: String, keyPEM: String) throws {
        try write(certificatePEM, to: certificateFile)
        try write(keyPEM, to: keyFile)
    }

    /// Hands a keytab Kerbside wrote to the engine user, 0600.
    public func adoptKeytab() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keytab.path)
        try user.own(keytab)
    }

    /// Writes a file only the engine user (and Kerbside) can read.
    public func write(_ text: String, to file: URL) throws {
        try CertificateAuthority.writePrivate(text, to: file)
        try user.own(file)
    }
}
