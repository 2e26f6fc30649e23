/// A key/value tag, as every AWS service models them. Stored inside its resource's row as JSON,
/// in the order the user gave them.
public struct Tag: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension [Tag] {
    /// Adds or replaces tags by key, keeping first-seen order.
    public func merging(_ new: [Tag]) -> [Tag] {
        var result = self
        for tag in new {
            if let index = result.firstIndex(where: { $0.key == tag.key }) {
                result[index].value = tag.value
            } else {
                result.append(tag)
            }
        }
        return result
    }

    public func removing(keys: [String]) -> [Tag] {
        let doomed = Set(keys)
        return filter { !doomed.contains($0.key) }
    }
}
