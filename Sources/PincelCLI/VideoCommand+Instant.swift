import ArgumentParser
import Foundation
import Pincel
import PincelVideo

/// A video run with the console's event handler: the Gatys transfer or the instant one.
typealias VideoRunner = @Sendable (@escaping @Sendable (VideoEvent) -> Void) async throws -> VideoResult

/// `pincel video --instant`: every frame through the instant network, blended along the flow.
extension VideoCommand {
    /// The instant flags' own checks (before anything is read): the instant-only flags need
    /// `--instant`, and the instant network takes no masks.
    func validateInstant() throws {
        if !instant {
            for (flag, value) in [("--instant-strength", instantStrength), ("--instant-blend", instantBlend)] where value != nil {
                throw ValidationError.oneLine("\(flag) needs --instant")
            }
            return
        }
        if let flag = spatial.spatialFiles.first?.0 {
            throw ValidationError.oneLine("\(flag) is for optimised transfers; --instant takes no masks")
        }
    }

    /// The blend weight the flags give: `--instant-blend`, 0 with `--independent-frames`.
    var temporalBlend: Float {
        independentFrames ? 0 : instantBlend ?? InstantVideoTransfer.defaultTemporalBlend
    }

    /// The instant transfer of the request (its settings checked by `makeRequest`; the
    /// networks loaded, no VGG19 weights), as a runner. A missing or damaged model is one
    /// line, exit 1.
    func instantRunner(_ request: VideoRequest) throws -> VideoRunner {
        let strength = instantStrength ?? 1
        let blend = temporalBlend
        let stylizer: InstantStylizer
        do {
            stylizer = try InstantStylizer(threads: frame.threads)
        } catch let error as ONNXError {
            throw VideoCommandError(error.description)
        }
        let transfer = try validatingSettings {
            try InstantVideoTransfer(request, strength: strength, temporalBlend: blend, stylizer: stylizer)
        }
        return { try await transfer.run(onEvent: $0) }
    }
}
