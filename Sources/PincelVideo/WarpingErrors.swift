import Pincel
import PincelCore
import PincelImaging
import Foundation

/// The temporal consistency of any stylised video against its source: the warping error of
/// each pair of consecutive frames (Ruder et al.'s measure, as ``VideoResult/warpingError``
/// averages it for a run), for example across the seams of a video stylised in segments.
public enum WarpingErrors {
    /// The warping error between frames `t − 1` and `t` of `styled` for every `t ≥ 1`: the flow
    /// between the source's frames (decoded at the styled video's size), the styled frame
    /// `t − 1` warped along it, and the mean squared difference on reliable pixels (0…255 units).
    ///
    /// - Parameters:
    ///   - input: the source video.
    ///   - styled: the stylised video (its frame `t` made from the source's frame `t`).
    /// - Returns: `count − 1` values, the pair ending at frame `t` at index `t − 1`.
    /// - Throws: ``VideoError`` when either video cannot be read or their frame counts differ.
    public static func perPair(input: String, styled: String) throws -> [Double] {
        let source = try FFmpeg.probe(input)
        let result = try FFmpeg.probe(styled)
        guard source.frames == result.frames else {
            throw VideoError.unreadableInput(path: styled, reason: "it has \(result.frames) frames, the source \(source.frames)")
        }
        let folder = try scratchFolder()
        defer { removeScratch(folder) }
        let (photos, frames) = (folder + "/source", folder + "/styled")
        for sub in [photos, frames] { mkdir(sub, 0o700) }
        let range = 0..<result.frames
        _ = try FFmpeg.decode(input, range: range, width: result.width, height: result.height, into: photos)
        _ = try FFmpeg.decode(styled, range: range, width: result.width, height: result.height, into: frames)
        let flow = try DISFlow()
        func load(_ sub: String, _ i: Int) throws -> Tensor { try ImageIO.load(sub + "/" + VideoWorkFolder.name(i) + ".png") }
        var errors: [Double] = []
        var previous = (photo: try load(photos, 0), styled: try load(frames, 0))
        for i in 1..<max(result.frames, 1) {
            let current = (photo: try load(photos, i), styled: try load(frames, i))
            let backward = try flow.flow(from: current.photo, to: previous.photo)
            let forward = try flow.flow(from: previous.photo, to: current.photo)
            errors.append(VideoTransfer.warpingError(previous: previous.styled, current: current.styled,
                                                     backward: backward, forward: forward))
            previous = current
        }
        return errors
    }

    private static func scratchFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/pincel-warping.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
            return String(cString: path)
        }
        guard let made else { throw VideoError.workFolder(path: NSTemporaryDirectory(), reason: "cannot create a scratch folder") }
        return made
    }

    /// Removes the PNG frames this wrote, then the (then empty) folders: never a recursive delete.
    private static func removeScratch(_ folder: String) {
        for sub in ["source", "styled"] {
            let path = folder + "/" + sub
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasSuffix(".png") {
                unlink(path + "/" + name)
            }
            rmdir(path)
        }
        rmdir(folder)
    }
}
