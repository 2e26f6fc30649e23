import AWSWire
import Foundation
import Testing

struct CodableBridgeTests {
    struct Tag: Codable, Equatable {
        var key: String
        var value: String
    }

    struct Input: Decodable, Equatable {
        var roleName: String
        var maxSessionDuration: Int?
        var tags: [Tag]?
        var attributes: [String: String]?
    }

    struct Output: Encodable {
        var dbiResourceId: String
        var iamDatabaseAuthenticationEnabled: Bool
        var createTime: Date
        var optional: String?
        var labels: [String: Int]
    }

    @Test func camelCaseReadsModelMembers() throws {
        let value = WireValue.structure([
            "rolename": .string("r"), "maxsessionduration": .integer(7200),
            "tags": .list([.structure(["key": .string("k"), "value": .string("v")])]),
            "attributes": .map(["MixedCase": .string("kept")]),
        ])
        let input = try WireDecoder.decode(Input.self, from: value)
        #expect(input == Input(roleName: "r", maxSessionDuration: 7200, tags: [Tag(key: "k", value: "v")], attributes: ["MixedCase": "kept"]))
    }

    @Test func aMissingNonOptionalMemberIsReported() {
        #expect(throws: WireDecodingError.self) { try WireDecoder.decode(Input.self, from: .structure([:])) }
    }

    @Test func encodingLowerCasesPropertiesAndKeepsMapKeys() throws {
        let date = Date(timeIntervalSince1970: 5)
        let value = try WireEncoder.encode(Output(dbiResourceId: "db-X", iamDatabaseAuthenticationEnabled: true, createTime: date, labels: ["A": 1]))
        #expect(value == .structure([
            "dbiresourceid": .string("db-X"), "iamdatabaseauthenticationenabled": .boolean(true),
            "createtime": .timestamp(date), "labels": .map(["A": .integer(1)]),
        ]))
    }
}

struct TimestampTests {
    @Test(arguments: [
        ("2024-05-01T12:00:00Z", 1_714_564_800.0), ("2024-05-01T12:00:00.250Z", 1_714_564_800.25),
        ("2024-05-01T14:00:00+02:00", 1_714_564_800.0), ("20240501T120000Z", 1_714_564_800.0),
        ("1714564800", 1_714_564_800.0), ("Wed, 01 May 2024 12:00:00 GMT", 1_714_564_800.0),
    ])
    func formatsParse(text: String, seconds: Double) {
        #expect(Timestamps.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2024-13-01T00:00:00Z", "2024-05-01 12:00:00", "yesterday", "2024-05-01T12:00:00", ""])
    func nonsenseIsRefused(_ text: String) {
        #expect(Timestamps.parse(text) == nil)
    }

    @Test func formattingRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_714_564_800.25)
        #expect(Timestamps.iso8601(date) == "2024-05-01T12:00:00.250Z")
        #expect(Timestamps.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamps.rfc822(date) == "Wed, 01 May 2024 12:00:00 GMT")
        #expect(Timestamps.epochLiteral(date) == "1714564800.250")
    }
}

struct JSONParserTests {
    @Test func documentsParseWithOrderKept() throws {
        let value = try JSONParser.parse(#" {"b": [1, -2.5e3, true, null], "a": "\u00e9\ud83d\ude00\n"} "#)
        #expect(value.objectValue?.map(\.key) == ["b", "a"])
        #expect(value["a"] == .string("é😀\n"))
        #expect(value["b"]?.arrayValue?.count == 4)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"a", "tru", "{} {}", "\"\u{01}\""])
    func brokenDocumentsAreRefused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func deepNestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }
}
