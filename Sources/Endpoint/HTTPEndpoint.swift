import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Kerbside's single HTTP port: `/_kerbside/*` control routes and, for every other path, the AWS
/// request pipeline. Bodies above `maximumBodySize` are refused before they are read.
struct HTTPEndpoint {
    /// Larger than any AWS API request Kerbside serves (IAM caps a policy at 131,072 bytes).
    static let maximumBodySize = 1 << 20

    let pipeline: RequestPipeline
    let control: ControlRoutes

    func responder() -> CallbackResponder<BasicRequestContext> {
        let pipeline = self.pipeline
        let control = self.control
        return CallbackResponder { request, _ in
            let path = request.uri.path
            if path.hasPrefix(ControlRoutes.prefix) {
                let reply = await control.respond(method: request.method.rawValue, path: path)
                return Self.response(status: reply.status, headers: [("Content-Type", reply.contentType)], body: reply.body)
            }
            var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
            // HTTP/1.1's Host header arrives as the request's authority; SigV4 signs it as `host`.
            if let authority = request.head.authority { headers.append((name: "host", value: authority)) }
            var wire = WireRequest(method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers, body: [])
            let tooLarge = AWSError(code: "RequestEntityTooLarge", status: 413,
                                    message: "Request body exceeds the \(Self.maximumBodySize)-byte limit")
            if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodySize {
                return Self.response(pipeline.reject(wire, with: tooLarge))
            }
            var request = request
            do {
                let buffer = try await request.collectBody(upTo: Self.maximumBodySize)
                wire.body = Array(buffer.readableBytesView)
            } catch {
                return Self.response(pipeline.reject(wire, with: tooLarge))
            }
            return Self.response(await pipeline.respond(to: wire))
        }
    }

    static func response(_ wire: WireResponse) -> Response {
        response(status: wire.status, headers: wire.headers, body: wire.body)
    }

    static func response(status: Int, headers: [(name: String, value: String)], body: [UInt8]) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
