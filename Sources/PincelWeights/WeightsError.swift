import PincelCore

/// Everything that can go wrong while finding or reading a VGG19 weight file.
///
/// Each `description` is one line naming the file, the problem and what to do.
public enum WeightsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No weight file could be found; `searched` lists where we looked.
    case notFound(searched: [String])
    /// A path given explicitly (`--weights` or `$PINCEL_WEIGHTS`) does not exist.
    case missingFile(path: String, origin: String)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The content is neither a torch.save stream/archive nor a safetensors file.
    case unknownFormat(path: String, reason: String)
    /// A pickle opcode this reader does not implement.
    case unsupportedOpcode(path: String, opcode: UInt8, name: String, offset: Int)
    /// A pickle GLOBAL outside the whitelist (never executed).
    case forbiddenGlobal(path: String, module: String, name: String, offset: Int)
    /// A structurally broken pickle, zip archive, safetensors header or state dict.
    case malformed(path: String, detail: String)
    /// The file ends before the data it announces.
    case truncated(path: String, detail: String)
    /// A VGG19 convolution has no weights in the file.
    case missingLayer(path: String, layer: String, expected: [String])
    /// A tensor's shape differs from the VGG19 architecture.
    case wrongShape(path: String, tensor: String, expected: [Int], actual: [Int])
    /// A tensor has an element type that cannot be used where it is.
    case wrongDType(path: String, tensor: String, expected: String, actual: String)
    /// A tensor holds values no VGG19 can have (NaN, infinity, absurd magnitudes).
    case badValues(path: String, tensor: String, detail: String)
    /// A quantised weight index points past the end of its lookup table.
    case indexOutOfRange(path: String, tensor: String, index: Int, tableSize: Int)

    /// One line of at most about 2000 characters, whatever the file put in names and strings
    /// (control characters are escaped, the middle of an overlong message is elided).
    public var description: String { OneLine.sanitize(rawDescription) }

    private var rawDescription: String {
        switch self {
        case .notFound(let searched):
            return "VGG19 weights not found (looked in: \(searched.joined(separator: ", "))); download the weights file, or give its path"
        case .missingFile(let path, let origin):
            return "weights file \(path) (from \(origin)) does not exist; fix the path"
        case .unreadable(let path, let reason):
            return "cannot read weights file \(path): \(reason); check the path and its permissions"
        case .unknownFormat(let path, let reason):
            return "\(path) is not a VGG19 weight file (\(reason)); expected a torch.save .pth/.bin or a .safetensors file"
        case .unsupportedOpcode(let path, let opcode, let name, let offset):
            let hex = String(opcode, radix: 16, uppercase: true)
            return "\(path): unsupported pickle opcode \(name) (0x\(hex)) at byte \(offset); re-save the weights with torch.save(state_dict) or as .safetensors"
        case .forbiddenGlobal(let path, let module, let name, let offset):
            return "\(path): refused pickle global \(module).\(name) at byte \(offset) (only torch tensors and storages are allowed; nothing was executed); use a plain state_dict file"
        case .malformed(let path, let detail):
            return "\(path) is malformed: \(detail); re-download or re-export the weights"
        case .truncated(let path, let detail):
            return "\(path) is truncated: \(detail); download the weights file again"
        case .missingLayer(let path, let layer, let expected):
            return "\(path) has no weights for VGG19 layer \(layer) (looked for \(expected.joined(separator: ", "))); use a complete VGG19 weight file"
        case .wrongShape(let path, let tensor, let expected, let actual):
            return "\(path): tensor \(tensor) has shape \(actual) but VGG19 needs \(expected); use VGG19 (not VGG16 or another network) weights"
        case .wrongDType(let path, let tensor, let expected, let actual):
            return "\(path): tensor \(tensor) has element type \(actual) but \(expected) is needed; re-export the weights as float32"
        case .badValues(let path, let tensor, let detail):
            return "weights file \(path): tensor \(tensor) \(detail); download the weights file again"
        case .indexOutOfRange(let path, let tensor, let index, let tableSize):
            return "\(path): quantised tensor \(tensor) holds index \(index) but its table has only \(tableSize) entries; download the weights file again"
        }
    }
}
