/// Small text helpers for the request path. Foundation's `trimmingCharacters` and
/// `String(format:)` go through NSString on Linux and cost more than a whole request should.
public enum Text {
    /// `value` in decimal, left-padded with zeros to `width` digits.
    public static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    public func trimmingSpaces() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
