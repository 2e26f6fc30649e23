import AWSWire
import Foundation

/// The bundled models, loaded once for all wire tests.
let catalog: ModelCatalog = try! ModelCatalog.bundled()

func model(_ signingName: String) -> ServiceModel { catalog.model(signingName: signingName)! }

func operation(_ signingName: String, _ name: String) -> OperationModel { model(signingName).operations[name]! }

func formRequest(_ body: String) -> WireRequest {
    WireRequest(method: "POST", path: "/", query: "",
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(body.utf8))
}

func text(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

extension InputError {
    var violations: [Violation] {
        if case .invalid(let found) = self { return found }
        return []
    }

    var malformedDetail: String? {
        if case .malformed(let detail) = self { return detail }
        return nil
    }
}

func decode(_ signingName: String, _ operationName: String, _ request: WireRequest) -> Result<WireValue, InputError> {
    let codec = model(signingName).makeCodec()
    return Result { () throws(InputError) in try codec.decodeInput(operation(signingName, operationName), from: request, form: nil) }
}
