import ArgumentParser
import Pincel

extension TransferSetting {
    /// The flag that sets this on the command line.
    var flag: String {
        switch self {
        case .content: "--content"
        case .styles: "--style"
        case .size: "--size"
        case .maxPixels: "--max-pixels"
        case .iterations: "--iterations"
        case .scales: "--scales"
        case .scaleIterations: "--scale-iterations"
        case .contentWeight: "--content-weight"
        case .styleWeight: "--style-weight"
        case .tvWeight: "--tv-weight"
        case .styleScale: "--style-scale"
        case .styleBlend: "--style-blend"
        case .instantStrength: "--instant-strength"
        case .contentLayers: "--content-layers"
        case .styleLayers: "--style-layers"
        case .learningRate: "--learning-rate"
        case .history: "--history"
        case .preconditionLevels: "--precondition-levels"
        case .threads: "--threads"
        case .convergenceTolerance: "--tolerance"
        case .convergenceWindow: "--tolerance"
        case .initialImage: "--init"
        case .styleMasks: "--style-mask"
        case .styleRegions: "--style-region"
        case .mask: "--mask"
        }
    }
}

extension ValidationError {
    /// A library validation error in the command line's terms: `--size must be between …`.
    static func from(_ error: TransferError) -> ValidationError {
        switch error {
        case .invalidSetting(let setting, let reason):
            return .oneLine("\(setting.flag) \(reason.text { $0.flag })")
        case .invalidOption(let what): return .oneLine(what)
        case .nonFinite: return .oneLine(error.description)
        }
    }
}

/// Runs `body`, turning the library's validation errors into the command line's (exit 64).
func validatingSettings<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as TransferError { throw ValidationError.from(error) }
}
