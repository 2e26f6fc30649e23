import AWSWire
import Foundation

/// The `yyyyMMdd'T'HHmmss'Z'` timestamps of SigV4 (and, as a fallback, HTTP `Date` headers).
public enum AmzDate {
    public static func parse(_ text: String) -> Date? {
        guard text.count == 16 || text.hasSuffix("GMT") else { return nil }
        return text.count == 16 ? Timestamps.parseISO8601(text) : Timestamps.parse(text)
    }

    public static func format(_ date: Date) -> String { Timestamps.basicISO8601(date) }
}
