/// An HTTP request as the wire layer sees it: no server framework types, so codecs and tests
/// work on plain values.
public struct WireRequest: Sendable {
    public var method: String
    /// The path as received, still percent-encoded.
    public var path: String
    /// The raw query string, without `?`.
    public var query: String
    /// Header names lower-cased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The media type of the body without parameters, lower-cased (`application/x-amz-json-1.1`).
    public var mediaType: String? {
        header("content-type").map { type in
            (type.split(separator: ";", maxSplits: 1).first ?? "").trimmingSpaces().lowercased()
        }
    }
}

public struct WireResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

import Foundation
