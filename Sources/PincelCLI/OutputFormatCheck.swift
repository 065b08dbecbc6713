import ArgumentParser
import Pincel

extension OutputPreflight {
    /// The output's format and save settings, by the library's own rule
    /// (`ImageIO.checkSaveOptions`), as a one-line invalid-option error naming the flag.
    static func checkFormat(_ output: String, depth: Int = 8, quality: Int) throws {
        do {
            try ImageIO.checkSaveOptions(ImageSaveOptions(bitDepth: depth, quality: quality), path: output)
        } catch ImageError.unsupportedOutputFormat {
            throw ValidationError.oneLine("--output must end in .png, .jpg, .jpeg, .webp, .tif or .tiff")
        } catch ImageError.invalidSaveOption(_, let message) {
            let flag = depth != 8 ? "--output-depth" : "--quality"
            throw ValidationError.oneLine("\(flag): \(message)")
        }
    }
}
