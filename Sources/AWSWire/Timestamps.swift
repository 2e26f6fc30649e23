import Foundation

/// The three timestamp formats of AWS protocols, parsed and printed without `DateFormatter`
/// (which is slow and locale-sensitive).
public enum Timestamps {
    /// `2024-05-01T12:00:00Z`, with `.123` milliseconds only when the instant has them.
    public static func iso8601(_ date: Date) -> String {
        let (parts, millis) = components(date)
        var text = Text.padded(parts.year, 4) + "-" + Text.padded(parts.month, 2) + "-" + Text.padded(parts.day, 2)
            + "T" + Text.padded(parts.hour, 2) + ":" + Text.padded(parts.minute, 2) + ":" + Text.padded(parts.second, 2)
        if millis != 0 { text += "." + Text.padded(millis, 3) }
        return text + "Z"
    }

    /// `20240501T120000Z`: ISO 8601 basic format, as SigV4's `X-Amz-Date`.
    public static func basicISO8601(_ date: Date) -> String {
        let (parts, _) = components(date)
        return Text.padded(parts.year, 4) + Text.padded(parts.month, 2) + Text.padded(parts.day, 2)
            + "T" + Text.padded(parts.hour, 2) + Text.padded(parts.minute, 2) + Text.padded(parts.second, 2) + "Z"
    }

    /// `Wed, 01 May 2024 12:00:00 GMT` (HTTP dates, used for rest-json headers).
    public static func rfc822(_ date: Date) -> String {
        let (parts, _) = components(date)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let weekday = weekdays[((days % 7) + 7) % 7]
        return "\(weekday), \(Text.padded(parts.day, 2)) \(months[parts.month - 1]) \(Text.padded(parts.year, 4)) "
            + "\(Text.padded(parts.hour, 2)):\(Text.padded(parts.minute, 2)):\(Text.padded(parts.second, 2)) GMT"
    }

    /// Seconds since the epoch with up to millisecond precision, as a JSON number literal.
    public static func epochLiteral(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = Int64((millis / 1000).rounded(.down))
        let fraction = Int64(millis) - seconds * 1000
        return fraction == 0 ? String(seconds) : "\(seconds).\(Text.padded(Int(fraction), 3))"
    }

    /// Accepts ISO 8601 (`Z` or `±HH:MM`, optional fraction), epoch seconds, and RFC 822 dates.
    public static func parse(_ text: String) -> Date? {
        if let seconds = Double(text), text.first?.isNumber == true || text.first == "-" {
            return Date(timeIntervalSince1970: seconds)
        }
        return parseISO8601(text) ?? parseRFC822(text)
    }

    public static func parseISO8601(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for i in start..<start + count {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        // Basic form 20240501T120000Z (SigV4's X-Amz-Date) or extended 2024-05-01T12:00:00Z.
        let extended = b.count > 4 && b[4] == UInt8(ascii: "-")
        let layout = extended ? (month: 5, day: 8, t: 10, hour: 11, minute: 14, second: 17, end: 19)
                              : (month: 4, day: 6, t: 8, hour: 9, minute: 11, second: 13, end: 15)
        guard let year = number(0, 4), let month = number(layout.month, 2), let day = number(layout.day, 2),
              b.count > layout.t, b[layout.t] == UInt8(ascii: "T") || b[layout.t] == UInt8(ascii: "t"),
              let hour = number(layout.hour, 2), let minute = number(layout.minute, 2), let second = number(layout.second, 2)
        else { return nil }
        if extended {
            guard b[7] == UInt8(ascii: "-"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        }
        var index = layout.end
        var fraction = 0.0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2) else { return nil }
            var minutesIndex = index + 3
            if minutesIndex < b.count, b[minutesIndex] == UInt8(ascii: ":") { minutesIndex += 1 }
            guard let minutes = number(minutesIndex, 2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
            index = minutesIndex + 2
        default:
            return nil
        }
        guard index == b.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    static func parseRFC822(_ text: String) -> Date? {
        // "Wed, 01 May 2024 12:00:00 GMT"
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
              let day = Int(parts[1]), let year = Int(parts[3])
        else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let monthIndex = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]))
    }

    struct Parts { var year, month, day, hour, minute, second: Int }

    static func components(_ date: Date) -> (Parts, Int) {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = totalMillis / 1000
        var millis = Int(totalMillis % 1000)
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (year, month, day) = civilFromDays(Int(days))
        let parts = Parts(year: year, month: month, day: day, hour: Int(rest / 3600), minute: Int(rest % 3600 / 60), second: Int(rest % 60))
        return (parts, millis)
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
