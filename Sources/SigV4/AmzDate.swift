import Foundation

/// The `yyyyMMdd'T'HHmmss'Z'` timestamps of SigV4 (and, as a fallback, HTTP `Date` headers).
public enum AmzDate {
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        if bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") {
            var fields: [Int] = []
            for range in [0..<4, 4..<6, 6..<8, 9..<11, 11..<13, 13..<15] {
                var value = 0
                for byte in bytes[range] {
                    guard byte >= 48, byte <= 57 else { return nil }
                    value = value * 10 + Int(byte - 48)
                }
                fields.append(value)
            }
            var components = DateComponents()
            components.calendar = calendar
            components.timeZone = calendar.timeZone
            (components.year, components.month, components.day) = (fields[0], fields[1], fields[2])
            (components.hour, components.minute, components.second) = (fields[3], fields[4], fields[5])
            guard (1...12).contains(fields[1]), (1...31).contains(fields[2]), fields[3] < 24, fields[4] < 60, fields[5] < 61 else { return nil }
            return calendar.date(from: components)
        }
        return httpDate(text)
    }

    public static func format(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
