/// An IPv4 CIDR block, for VPC and subnet arithmetic.
public struct IPv4CIDR: Sendable, Equatable, CustomStringConvertible {
    public let network: UInt32
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length),
              let address = IPv4CIDR.parseAddress(String(parts[0]))
        else { return nil }
        let mask = IPv4CIDR.mask(length)
        guard address & mask == address else { return nil }  // host bits must be zero, as AWS requires
        network = address
        prefixLength = length
    }

    init(network: UInt32, prefixLength: Int) {
        self.network = network & IPv4CIDR.mask(prefixLength)
        self.prefixLength = prefixLength
    }

    public var description: String { "\(IPv4CIDR.format(network))/\(prefixLength)" }

    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    public func contains(_ other: IPv4CIDR) -> Bool {
        other.prefixLength >= prefixLength && other.network & IPv4CIDR.mask(prefixLength) == network
    }

    public func overlaps(_ other: IPv4CIDR) -> Bool { contains(other) || other.contains(self) }

    /// The `index`-th address of the block as text (AWS reserves the first four and the last).
    public func address(at index: UInt32) -> String { IPv4CIDR.format(network &+ index) }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    static func parseAddress(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet), String(byte) == octet else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }
}
