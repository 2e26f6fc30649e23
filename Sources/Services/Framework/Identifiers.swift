import Foundation

/// Random identifiers in AWS's formats.
public enum Identifiers {
    /// Base32 without padding, the alphabet of IAM unique IDs and RDS resource IDs.
    static let base32: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static let hex: [Character] = Array("0123456789abcdef")
    static let secretAlphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    public static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// IAM unique IDs: a four-letter kind prefix and 17 characters (`AIDA…`, `AROA…`, `ANPA…`).
    public static func iamUniqueID(prefix: String) -> String { prefix + random(17, from: base32) }

    /// `AKIA…` (long-term) or `ASIA…` (temporary): 20 characters.
    public static func accessKeyID(temporary: Bool) -> String {
        (temporary ? "ASIA" : "AKIA") + random(16, from: base32)
    }

    public static func secretAccessKey() -> String { random(40, from: secretAlphabet) }

    public static func sessionToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<144).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "IQoJb3JpZ2luX2VjE" + Data(bytes).base64EncodedString()
    }

    public static func uuid() -> String { UUID().uuidString.lowercased() }
}
