/// Every region Kerbside serves has three zones, `<region>a` to `<region>c`, with AWS-style
/// zone ids (`use1-az1`).
public enum AvailabilityZones {
    public struct Zone: Sendable, Equatable {
        public let name: String
        public let id: String
    }

    public static func zones(in region: String) -> [Zone] {
        let code = regionCode(region)
        return ["a", "b", "c"].enumerated().map { Zone(name: region + $1, id: "\(code)-az\($0 + 1)") }
    }

    public static func zone(named name: String, in region: String) -> Zone? {
        zones(in: region).first { $0.name == name }
    }

    public static func zone(id: String, in region: String) -> Zone? {
        zones(in: region).first { $0.id == id }
    }

    /// `us-east-1` → `use1`, `ap-southeast-2` → `apse2`, as AWS abbreviates regions in zone ids.
    static func regionCode(_ region: String) -> String {
        let directions = ["northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
                          "north": "n", "south": "s", "east": "e", "west": "w", "central": "c"]
        let parts = region.split(separator: "-").map(String.init)
        guard parts.count >= 3 else { return region.replacingOccurrences(of: "-", with: "") }
        return parts[0] + parts[1..<(parts.count - 1)].map { directions[$0] ?? String($0.prefix(1)) }.joined() + parts[parts.count - 1]
    }
}
