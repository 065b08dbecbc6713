import ArgumentParser
import Pincel

extension TransferCommand {
    /// Every integer option against its documented range (``OptionBounds``), before anything
    /// is computed from them: `size * size`, the scale plan, buffers sized by `--scales`.
    func checkIntegerOptions() throws {
        try bounded(maxPixels, OptionBounds.maxPixels, flag: "--max-pixels")
        try bounded(size, OptionBounds.size, flag: "--size")
        guard size * size <= maxPixels else {  // both bounded: no overflow
            throw ValidationError.oneLine("--size \(size) is above the pixel limit (\(maxPixels) pixels; see --max-pixels)")
        }
        try bounded(iterations, OptionBounds.iterations, flag: "--iterations")
        try bounded(scales, OptionBounds.scales(size: size), flag: "--scales")
        if let its = try parsedScaleIterations() {
            for n in its { try bounded(n, OptionBounds.iterations, flag: "--scale-iterations") }
            try bounded(its.reduce(0, +), OptionBounds.iterations, flag: "--scale-iterations (their sum)")
            try bounded(its.count, OptionBounds.scales(size: size), flag: "--scale-iterations (the number of scales)")
        }
        try bounded(saveEvery, OptionBounds.saveEvery, flag: "--save-every")
        try bounded(history, OptionBounds.history, flag: "--history")
        try bounded(preconditionLevels, OptionBounds.preconditionLevels, flag: "--precondition-levels")
        try bounded(threads, OptionBounds.threads, flag: "--threads")
        try bounded(quality, OptionBounds.quality, flag: "--quality")
    }

    /// `--scale-iterations` as numbers (nil when not given); every item must be a whole number.
    func parsedScaleIterations() throws -> [Int]? {
        guard let scaleIterations else { return nil }
        return try parsedList(scaleIterations, flag: "--scale-iterations", expected: "positive whole numbers") { Int($0) }
    }
}
