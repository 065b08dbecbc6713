import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite(.scratchFolder) struct WeightsLocatorTests {
    /// A temp dir with an (empty) default-named weights file and another file.
    static func layout() throws -> (home: URL, defaultFile: String, other: String) {
        let home = try WeightsTestSupport.tempDir()
        let dir = home.appendingPathComponent(".cache/pincel")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let defaultFile = dir.appendingPathComponent(WeightsLocator.defaultFileName).path
        let other = home.appendingPathComponent("other.pth").path
        #expect(FileManager.default.createFile(atPath: defaultFile, contents: Data()))
        #expect(FileManager.default.createFile(atPath: other, contents: Data()))
        return (home, defaultFile, other)
    }

    @Test func precedence() throws {
        let (home, defaultFile, other) = try Self.layout()
        let env = ["HOME": home.path]
        #expect(try WeightsLocator.resolve(explicit: nil, environment: env) == defaultFile)
        #expect(try WeightsLocator.resolve(explicit: other, environment: env) == other)
        #expect(try WeightsLocator.resolve(explicit: nil, environment: env.merging(["PINCEL_WEIGHTS": other]) { $1 }) == other)
        #expect(try WeightsLocator.resolve(explicit: defaultFile, environment: env.merging(["PINCEL_WEIGHTS": other]) { $1 }) == defaultFile)
        #expect(try WeightsLocator.resolve(explicit: "~/other.pth", environment: env) == other)
        let pincelHome = ["HOME": "/nonexistent", "PINCEL_HOME": home.appendingPathComponent(".cache/pincel").path]
        #expect(try WeightsLocator.resolve(explicit: nil, environment: pincelHome) == defaultFile)
    }

    @Test func nothingFoundSaysMakeWeights() throws {
        let home = try WeightsTestSupport.tempDir()
        let expectedPath = home.path + "/.cache/pincel/" + WeightsLocator.defaultFileName
        WeightsTestSupport.expectError(.notFound(searched: [expectedPath])) {
            _ = try WeightsLocator.resolve(explicit: nil, environment: ["HOME": home.path])
        }
        let message = WeightsError.notFound(searched: [expectedPath]).description
        #expect(message.contains("download the weights file") && message.contains(expectedPath))
    }

    @Test func missingExplicitPathsAreErrorsNotSkipped() throws {
        let (home, _, _) = try Self.layout()
        WeightsTestSupport.expectError(.missingFile(path: "/nope.pth", origin: "the path given")) {
            _ = try WeightsLocator.resolve(explicit: "/nope.pth", environment: ["HOME": home.path])
        }
        WeightsTestSupport.expectError(.missingFile(path: "/nope.bin", origin: "$PINCEL_WEIGHTS")) {
            _ = try WeightsLocator.resolve(explicit: nil, environment: ["HOME": home.path, "PINCEL_WEIGHTS": "/nope.bin"])
        }
    }
}
