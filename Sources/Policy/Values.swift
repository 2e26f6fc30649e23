import Foundation

// Parsers for the typed condition values: dates, IP ranges and numbers. All work on UTF-8 bytes
// without Foundation formatters, so evaluating a request does not allocate for them.

// MARK: - Dates

/// Seconds since 1970 for a policy or context date: ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`,
/// `2024-05-01T12:00:00.5+02:00`, `2024-05-01T12:00Z`) or epoch seconds (`1714564800`, `1714564800.25`).
/// Returns nil for anything else.
func parseDate(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parseDate(bytes: $0) }
}

private func parseDate(bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    guard !bytes.isEmpty else { return nil }
    var isEpoch = true
    for byte in bytes where !(isDigit(byte) || byte == UInt8(ascii: ".")) {
        isEpoch = false
        break
    }
    if isEpoch {
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    var index = 0
    func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<width {
            let byte = bytes[index + offset]
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }
    func accept(_ character: Character) -> Bool {
        guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
        index += 1
        return true
    }

    guard let year = number(4) else { return nil }
    var month = 1, day = 1
    if accept("-") {
        guard let parsedMonth = number(2), (1...12).contains(parsedMonth) else { return nil }
        month = parsedMonth
        if accept("-") {
            guard let parsedDay = number(2), (1...daysIn(month: month, year: year)).contains(parsedDay) else {
                return nil
            }
            day = parsedDay
        }
    }
    var seconds = 0.0
    if accept("T") || accept("t") {
        guard let hour = number(2), hour < 24 else { return nil }
        var minute = 0, second = 0
        var fraction = 0.0
        if accept(":") {
            guard let parsedMinute = number(2), parsedMinute < 60 else { return nil }
            minute = parsedMinute
            if accept(":") {
                guard let parsedSecond = number(2), parsedSecond < 60 else { return nil }
                second = parsedSecond
                if accept(".") {
                    var scale = 0.1
                    var digits = 0
                    while index < bytes.count, isDigit(bytes[index]) {
                        fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        index += 1
                        digits += 1
                    }
                    guard digits > 0 else { return nil }
                }
            }
        }
        seconds = Double(hour * 3600 + minute * 60 + second) + fraction
        // Time zone: Z, ±hh, ±hh:mm, ±hhmm; none means UTC.
        if accept("Z") || accept("z") {
            // UTC
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Double = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            index += 1
            guard let offsetHours = number(2), offsetHours < 24 else { return nil }
            var offsetMinutes = 0
            if accept(":") {
                guard let parsed = number(2), parsed < 60 else { return nil }
                offsetMinutes = parsed
            } else if index < bytes.count {
                guard let parsed = number(2), parsed < 60 else { return nil }
                offsetMinutes = parsed
            }
            seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        }
    }
    guard index == bytes.count else { return nil }
    return Double(daysFromCivil(year: year, month: month, day: day)) * 86_400 + seconds
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

private func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// `yyyy-MM-ddTHH:mm:ssZ` for seconds since 1970 (fractions dropped).
func formatISO8601(_ secondsSince1970: Double) -> String {
    let total = Int(secondsSince1970.rounded(.down))
    var days = total / 86_400
    var secondOfDay = total % 86_400
    if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
    // civil_from_days
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
        + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
}

// MARK: - IP addresses

/// An IPv4 or IPv6 address; IPv4 is kept in the low 32 bits. IPv4-mapped IPv6 addresses
/// (`::ffff:a.b.c.d`) are normalised to IPv4.
struct IPAddress: Sendable, Equatable {
    var isIPv6: Bool
    var bits: UInt128

    var width: Int { isIPv6 ? 128 : 32 }

    init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ IPAddress.parse($0) }) else { return nil }
        self = parsed
    }

    private init(isIPv6: Bool, bits: UInt128) {
        self.isIPv6 = isIPv6
        self.bits = bits
    }

    fileprivate static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if let v4 = parseIPv4(bytes[...]) { return IPAddress(isIPv6: false, bits: UInt128(v4)) }
        guard let v6 = parseIPv6(bytes) else { return nil }
        if v6 >> 32 == 0xFFFF { return IPAddress(isIPv6: false, bits: v6 & 0xFFFF_FFFF) }
        return IPAddress(isIPv6: true, bits: v6)
    }

    private static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var result: UInt32 = 0
        var octets = 0
        var current = -1
        var digits = 0
        for byte in bytes {
            if isDigit(byte) {
                if digits > 0 && current == 0 { return nil }  // no leading zeros
                current = (current < 0 ? 0 : current) * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                if current > 255 { return nil }
            } else if byte == UInt8(ascii: ".") {
                guard current >= 0, octets < 3 else { return nil }
                result = result << 8 | UInt32(current)
                octets += 1
                current = -1
                digits = 0
            } else {
                return nil
            }
        }
        guard current >= 0, octets == 3 else { return nil }
        return result << 8 | UInt32(current)
    }

    private static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
        guard bytes.count >= 2 else { return nil }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gapIndex: Int? = nil
        var index = 0
        if bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            gapIndex = 0
            index = 2
        }
        while index < bytes.count {
            // An embedded IPv4 tail, e.g. ::ffff:192.0.2.1
            var end = index
            var sawDot = false
            while end < bytes.count, bytes[end] != UInt8(ascii: ":") {
                if bytes[end] == UInt8(ascii: ".") { sawDot = true }
                end += 1
            }
            if sawDot {
                guard end == bytes.count, groups.count <= 6,
                      let v4 = parseIPv4(bytes[index..<end]) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                index = end
                break
            }
            let length = end - index
            guard length >= 1, length <= 4 else { return nil }
            var group: UInt16 = 0
            for position in index..<end {
                guard let nibble = hexValue(bytes[position]) else { return nil }
                group = group << 4 | UInt16(nibble)
            }
            groups.append(group)
            guard groups.count <= 8 else { return nil }
            index = end
            if index < bytes.count {
                index += 1  // ':'
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    guard gapIndex == nil else { return nil }
                    gapIndex = groups.count
                    index += 1
                } else if index == bytes.count {
                    return nil  // trailing single colon
                }
            }
        }
        if let gap = gapIndex {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        var value: UInt128 = 0
        for group in groups { value = value << 16 | UInt128(group) }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A CIDR block such as `203.0.113.0/24` or `2001:db8::/32`. A bare address is a /32 or /128.
struct IPRange: Sendable, Equatable {
    let network: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        var length = address.width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), let parsed = Int(parts[1]),
                  parsed >= 0, parsed <= address.width else { return nil }
            length = parsed
        }
        network = address
        prefixLength = length
    }

    func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv6 == network.isIPv6 else { return false }
        let shift = network.width - prefixLength
        if shift >= network.width { return true }
        return address.bits >> shift == network.bits >> shift
    }
}
