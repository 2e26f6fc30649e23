import Foundation
@testable import Policy
import Testing

struct GlobCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let text: String
    let ignoreCase: Bool
    let matches: Bool
    var testDescription: String { "\(pattern) ~ \(text)\(ignoreCase ? " (ignoring case)" : "")" }

    init(_ pattern: String, _ text: String, ignoreCase: Bool = false, _ matches: Bool) {
        self.pattern = pattern
        self.text = text
        self.ignoreCase = ignoreCase
        self.matches = matches
    }
}

@Suite("Building blocks")
struct InternalsTests {
    static let globCases: [GlobCase] = [
        .init("", "", true),
        .init("", "a", false),
        .init("*", "", true),
        .init("*", "anything", true),
        .init("?", "", false),
        .init("?", "é", true),
        .init("??", "é", false),
        .init("a*b*c", "aXXbYYc", true),
        .init("a*b*c", "aXXbYY", false),
        .init("a*b", "abab", true),
        .init("*ab", "aab", true),
        .init("a**b", "ab", true),
        .init("*a?", "bbbab", true),
        .init("*.txt", "notes.txt.bak", false),
        .init("abc", "ABC", ignoreCase: true, true),
        .init("abc", "ABC", false),
        .init("A*C", "abbbc", ignoreCase: true, true),
        .init("caf?", "café", true),
        .init("caf*", "café au lait", true),
        .init("*é", "café", true),
    ]

    @Test(arguments: globCases)
    func glob(_ testCase: GlobCase) {
        #expect(Glob(pattern: testCase.pattern, ignoreCase: testCase.ignoreCase).matches(testCase.text) == testCase.matches)
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2024-01-01T00:00:00Z", 1_704_067_200),
        ("2024-01-01", 1_704_067_200),
        ("2024-01", 1_704_067_200),
        ("2024-02-29T12:30:00Z", 1_709_209_800),
        ("2024-01-01T00:00:00.5Z", 1_704_067_200.5),
        ("2024-01-01T02:00:00+02:00", 1_704_067_200),
        ("2023-12-31T19:00:00-0500", 1_704_067_200),
        ("2024-01-01T00:00Z", 1_704_067_200),
        ("2024-01-01t00:00:00z", 1_704_067_200),
        ("1704067200", 1_704_067_200),
        ("1704067200.25", 1_704_067_200.25),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
    ])
    func dateParsing(_ text: String, _ expected: Double) {
        #expect(parseDate(text) == expected)
    }

    @Test(arguments: ["", "2024-13-01", "2024-02-30", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+25:00",
                      "2024/01/01", "2024-01-01T00:00:00ZZ", "2024-01-01T", "tomorrow", "12e3"])
    func invalidDates(_ text: String) {
        #expect(parseDate(text) == nil)
    }

    @Test(arguments: [0.0, 1_704_067_200, 951_782_400, -86_400, 4_102_444_799])
    func dateFormattingRoundTrips(_ seconds: Double) {
        #expect(parseDate(formatISO8601(seconds)) == seconds)
    }

    @Test func dateFormatting() {
        #expect(formatISO8601(1_709_209_800) == "2024-02-29T12:30:00Z")
        #expect(ContextValue.date(Date(timeIntervalSince1970: 0)).scalarText == "1970-01-01T00:00:00Z")
        #expect(ContextValue.number(300).scalarText == "300")
        #expect(ContextValue.number(1.5).scalarText == "1.5")
        #expect(ContextValue.bool(false).scalarText == "false")
    }

    static let addressCases: [(String, Bool, UInt128)] = [
        ("192.0.2.1", false, 0xC000_0201),
        ("0.0.0.0", false, 0),
        ("255.255.255.255", false, 0xFFFF_FFFF),
        ("::", true, 0),
        ("::1", true, 1),
        ("2001:db8::", true, UInt128(0x2001_0DB8) << 96),
        ("2001:DB8:0:0:0:0:0:1", true, UInt128(0x2001_0DB8) << 96 | 1),
        ("fe80::1:2", true, UInt128(0xFE80) << 112 | 0x1_0002),
        ("::ffff:192.0.2.1", false, 0xC000_0201),
        ("64:ff9b::192.0.2.1", true, UInt128(0x64_FF9B) << 96 | 0xC000_0201),
    ]

    @Test(arguments: addressCases)
    func ipParsing(_ text: String, _ isIPv6: Bool, _ bits: UInt128) throws {
        let address = try #require(IPAddress(text))
        #expect(address.isIPv6 == isIPv6)
        #expect(address.bits == bits)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1:2:3:4:5:6:7:8:9", ":::", "1::2::3",
                      "1:2:3:4:5:6:7:", "12345::", "g::1", "::1.2.3", "localhost"])
    func invalidAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "nope/8"])
    func invalidRanges(_ text: String) {
        #expect(IPRange(text) == nil)
    }

    @Test func contextLookupIgnoresKeyCase() {
        let lookup = ContextLookup(values: ["aws:PrincipalTag/Team": .string("data"), "aws:TagKeys": .strings([])])
        #expect(lookup.value(for: "AWS:principaltag/team") == .string("data"))
        #expect(lookup.value(for: "aws:principaltag/other") == nil)
        #expect(lookup.presentValue(for: "aws:tagkeys") == nil)
        #expect(lookup.variableText(for: "aws:tagkeys") == nil)
    }

    @Test(arguments: [
        ("{}", JSONValue.object([])),
        (" [ 1 , -2.5e3 , true , false , null ] ", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null])),
        (#""a\"b\\c\/d\n\u00e9""#, .string("a\"b\\c/d\né")),
        (#"{"a":{"b":[]}}"#, .object([(key: "a", value: .object([(key: "b", value: .array([]))]))])),
    ])
    func jsonParsing(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONReader.parse(text) == expected)
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "-", "tru", #""\x""#, #""\ud800""#, "\"a\u{01}b\"", "{\"a\" 1}", "{1:2}", "[1 2]", "nul"])
    func invalidJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(text) }
    }

    @Test func repeatedKeysKeepTheLastValue() throws {
        let value = try JSONReader.parse(#"{"a":1,"a":2}"#)
        #expect(value["a"] == .number("2"))
    }
}
