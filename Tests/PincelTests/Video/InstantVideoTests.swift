import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelImaging
@testable import PincelVideo

/// The instant video's settings (``InstantVideoTransfer/validate(_:strength:temporalBlend:)``).
/// The runs themselves are tested through `pincel video --instant` (CLIVideoInstantTests):
/// the instant network's first pass crashed inside oneDNN when run in this test process from
/// a video run's thread, while the same run in the pincel process works.
@Suite struct InstantVideoTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples")

    static func request(_ clip: String, output: String) -> VideoRequest {
        var options = VideoOptions()
        options.transfer.size = 128
        options.keepWorkFolder = true
        return VideoRequest(input: clip, styles: [.file(examples.appendingPathComponent("starry_night.jpg").path)],
                            output: output, options: options)
    }

    /// Settings the instant video refuses, before any work.
    @Test func badSettingsAreRefused() throws {
        let request = Self.request("clip.mp4", output: "out.mp4")
        #expect(throws: VideoError.self) { try InstantVideoTransfer.validate(request, strength: 1, temporalBlend: 0.96) }
        #expect(throws: VideoError.self) { try InstantVideoTransfer.validate(request, strength: 1, temporalBlend: -0.1) }
        #expect(throws: TransferError.self) { try InstantVideoTransfer.validate(request, strength: .nan, temporalBlend: 0.5) }
        var masked = request
        masked.spatial = SpatialControl(mask: .pixels(Tensor(zeros: [3, 8, 8])))
        #expect(throws: TransferError.self) { try InstantVideoTransfer.validate(masked, strength: 1, temporalBlend: 0.5) }
        #expect(throws: VideoError.self) {
            try InstantVideoTransfer.validate(Self.request("clip.mp4", output: "out.avi"), strength: 1, temporalBlend: 0.5)
        }
        try InstantVideoTransfer.validate(request, strength: 0.5, temporalBlend: 0)
    }
}
