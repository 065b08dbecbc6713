import ArgumentParser
import Foundation
import Pincel

/// The input images, checked before any work with the same function every image load goes
/// through (`ImageIO.checkInputFile`).
enum InputPreflight {
    /// A missing file is an invalid option (exit 64, as before); a folder, FIFO, device, empty
    /// or unreadable file is a file that failed (exit 1), reported with its flag:
    /// `--content photos/: is a folder, not an image file.`
    static func check(_ files: [(flag: String, path: String)]) throws {
        for (flag, path) in files {
            do {
                try ImageIO.checkInputFile(path)
            } catch ImageError.fileNotFound {
                throw ValidationError.oneLine("\(flag): no such file: \(path)")
            } catch let error as ImageError {
                throw FlaggedFileError(flag: flag, error: error)
            }
        }
    }
}

/// A file error with the flag that named the file.
struct FlaggedFileError: Error, CustomStringConvertible {
    let flag: String
    let error: any Error
    var description: String { "\(flag) \(error)" }
}
