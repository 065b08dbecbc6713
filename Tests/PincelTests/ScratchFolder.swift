import Foundation
import PincelTestSupport
import Testing

/// A temporary folder (mkdtemp) for the files a suite's tests write, removed when the suite ends, whether
/// its tests pass, fail or throw. Apply `.scratchFolder` to a suite; inside it,
/// ``ScratchFolder/make()`` returns a fresh subfolder. Outside such a suite `make()` throws,
/// so a test can never leave a folder behind in /tmp.
struct ScratchFolder: SuiteTrait, TestTrait, TestScoping {
    @TaskLocal static var current: URL?

    enum Failure: Error, CustomStringConvertible {
        case noScope
        var description: String { "no scratch folder: add the .scratchFolder trait to this test's @Suite" }
    }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let root = try TemporaryFolder.make(prefix: "pincel-test-")
        defer { TemporaryFolder.remove(root) }  // made by mkdtemp just above
        try await Self.$current.withValue(root) { try await function() }
    }

    /// A new empty folder inside the current suite's scratch folder.
    static func make() throws -> URL {
        guard let root = current else { throw Failure.noScope }
        let url = root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension Trait where Self == ScratchFolder {
    /// Gives the suite (or test) a temporary folder that is removed when it ends.
    static var scratchFolder: Self { Self() }
}
