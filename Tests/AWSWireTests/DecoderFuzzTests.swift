import AWSWire
import Testing

/// Random and mutated inputs must never crash a decoder: each input ends decoded or refused.
/// Deterministic (fixed seed) and bounded, so a failure reproduces.
struct DecoderFuzzTests {
    /// SplitMix64: a tiny deterministic generator.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [(signingName: String, operation: String, request: WireRequest)] = [
        ("iam", "CreateRole", formRequest("Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=k&Tags.member.1.Value=v&MaxSessionDuration=3600")),
        ("rds", "DescribeDBInstances", formRequest("Filters.Filter.1.Name=n&Filters.Filter.1.Values.Value.1=v&MaxRecords=20")),
        ("ec2", "DescribeVpcs", formRequest("VpcId.1=vpc-1&Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0/16")),
        ("ds", "CreateMicrosoftAD", WireRequest(method: "POST", path: "/", query: "", headers: [("X-Amz-Target", "DirectoryService_20150416.CreateMicrosoftAD")],
                                                 body: Array(#"{"Name":"corp.example.com","Password":"Sup3r-Secret!","VpcSettings":{"VpcId":"vpc-12345678","SubnetIds":["subnet-1"]},"Tags":[{"Key":"k","Value":"v"}]}"#.utf8))),
        ("ds-data", "CreateUser", WireRequest(method: "POST", path: "/Users/CreateUser", query: "DirectoryId=d-1234567890", headers: [],
                                              body: Array(#"{"SAMAccountName":"alice","OtherAttributes":{"a":{"SS":["x","y"]},"b":{"N":1}}}"#.utf8))),
    ]

    static let interesting: [UInt8] = Array(#"{}[]":,.=&%+\0123456789abcdefnulltrue-e"#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF, 0xED, 0xA0, 0x80]

    static func mutate(_ bytes: [UInt8], _ random: inout Seeded) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let choice = Int.random(in: 0..<5, using: &random)
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch choice {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &random)!
            case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes[position...] = bytes[position...].prefix(Int.random(in: 0...8, using: &random))
            }
        }
        return bytes
    }

    @Test(arguments: seeds.indices)
    func mutatedRequestsNeverCrash(_ index: Int) {
        let seed = Self.seeds[index]
        let codec = model(seed.signingName).makeCodec()
        let validator = InputValidator(model: codec.model)
        let op = operation(seed.signingName, seed.operation)
        var random = Seeded(state: UInt64(index) &* 7919 &+ 1)
        var decoded = 0
        for _ in 0..<2_000 {
            var request = seed.request
            request.body = Self.mutate(request.body, &random)
            if Bool.random(using: &random) { request.query = String(decoding: Self.mutate(Array(request.query.utf8), &random), as: UTF8.self) }
            if case .success(let value) = Result(catching: { () throws(InputError) in try codec.decodeInput(op, from: request, form: nil) }) {
                decoded += 1
                _ = validator.violations(of: value, shape: op.input!)
            }
        }
        // The mutations must leave some inputs readable, or the fuzz only exercises refusals.
        #expect(decoded > 0)
    }

    @Test func randomBytesNeverCrashTheParsers() {
        var random = Seeded(state: 42)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in Self.interesting.randomElement(using: &random)! }
            _ = try? JSONParser.parse(bytes)
            _ = try? FormParameters(bytes)
        }
    }
}
