import ArgumentParser
import Pincel

extension TransferCommand {
    /// The options only the command line has (the library checks the transfer's own settings,
    /// ``TransferOptions/validate(styleCount:)``).
    func checkCommandLineOptions() throws {
        try bounded(saveEvery, OptionBounds.saveEvery, flag: "--save-every")
        try bounded(quality, OptionBounds.quality, flag: "--quality")
        try bounded(printEvery, OptionBounds.printEvery, flag: "--print-every")
    }

    /// `--scale-iterations` as numbers (nil when not given); every item must be a whole number.
    func parsedScaleIterations() throws -> [Int]? {
        guard let scaleIterations else { return nil }
        return try parsedList(scaleIterations, flag: "--scale-iterations", expected: "positive whole numbers") { Int($0) }
    }
}
