import Foundation
import Logging

/// Everything an operation handler knows about the call besides its input.
public struct CallContext: Sendable {
    public let caller: Caller
    /// The region the request was signed for.
    public let region: String
    public let requestID: String
    /// The time the request arrived; handlers use it rather than reading the clock themselves.
    public let now: Date
    public let logger: Logger

    public init(caller: Caller, region: String, requestID: String, now: Date, logger: Logger) {
        self.caller = caller
        self.region = region
        self.requestID = requestID
        self.now = now
        self.logger = logger
    }

    public var accountId: String { caller.accountId }
}
