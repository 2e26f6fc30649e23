import Crypto
import Foundation
import SwiftASN1
import X509

/// Kerbside's own certificate authority, the stand-in for RDS's global CA bundle: one CA per data
/// directory (its key 0600, never logged), signing a certificate for each database endpoint so
/// clients can use `sslmode=verify-full` with `GET /_kerbside/ca.pem`.
public struct CertificateAuthority: Sendable {
    public let certificatePEM: String
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    /// Loads the CA from `folder`, creating it on first use.
    public init(folder: URL) throws {
        let files = FileManager.default
        try files.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keyFile = folder.appendingPathComponent("ca.key"), certificateFile = folder.appendingPathComponent("ca.pem")
        if let keyPEM = try? String(contentsOf: keyFile, encoding: .utf8),
           let certificatePEM = try? String(contentsOf: certificateFile, encoding: .utf8) {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            certificate = try Certificate(pemEncoded: certificatePEM)
            self.certificatePEM = certificatePEM
            return
        }
        let newKey = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Kerbside")
            CommonName("Kerbside local RDS certificate authority")
        }
        let now = Date()
        let newCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(newKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(newKey.publicKey))
            },
            issuerPrivateKey: .init(newKey))
        key = newKey
        certificate = newCertificate
        certificatePEM = try newCertificate.serializeAsPEM().pemString
        try Self.writePrivate(newKey.pemRepresentation, to: keyFile)
        try Data(certificatePEM.utf8).write(to: certificateFile, options: .atomic)
    }

    /// A server certificate for `hostNames` and `addresses`, with its new private key (PEM).
    public func serverCertificate(hostNames: [String], addresses: [String]) throws -> (certificatePEM: String, keyPEM: String) {
        let serverKey = P256.Signing.PrivateKey()
        let now = Date()
        let names: [GeneralName] = hostNames.map { .dnsName($0) } + addresses.compactMap { address in
            let octets = address.split(separator: ".").compactMap { UInt8($0) }
            return octets.count == 4 ? .ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets))) : nil
        }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(2 * 365 * 86_400),
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(hostNames.first ?? addresses.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        return (try server.serializeAsPEM().pemString, serverKey.pemRepresentation)
    }

    /// Writes a secret readable by its owner only (created 0600, never world-readable even briefly).
    public static func writePrivate(_ text: String, to file: URL) throws {
        let path = file.path
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw EngineError("cannot write \(path)")
        }
    }
}

public struct EngineError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
