import Foundation

/// Copies of whole folders that keep their owners and modes (a database server's data belongs
/// to the engine user, and must stay so in the copy).
public enum FileTree {
    /// `cp -a source target`; `target` must not exist.
    public static func copy(_ source: URL, to target: URL) async throws {
        let copy = try await Command("/bin/cp", ["-a", source.path, target.path], environment: ["PATH": "/usr/bin:/bin"],
                                     timeout: .seconds(300)).run()
        guard copy.succeeded else {
            throw Command.Failure(description: "could not copy \(source.path): \(copy.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
