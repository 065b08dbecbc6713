import ArgumentParser
import Foundation
import Pincel

/// The input images, checked before any work with the same function every image load goes
/// through (`ImageIO.checkInputFile`).
enum InputPreflight {
    /// A missing, empty or unreadable file, a folder, FIFO or device is a file that failed
    /// (exit 1, one line, no usage hint, as the README says), reported with its flag:
    /// `--content photos/: is a folder, not an image file.`
    static func check(_ files: [(flag: String, path: String)]) throws {
        for (flag, path) in files {
            do {
                try ImageIO.checkInputFile(path)
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
