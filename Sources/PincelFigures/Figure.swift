import Pincel

/// One image of a figure: the caption shown under it and the image itself.
public struct FigureTile: Sendable {
    /// Text under the tile on the contact sheet.
    public var caption: String
    /// RGB `[3, H, W]`, 0…255.
    public var image: Tensor
    /// The transfer that made the tile, or `nil` for an input image shown for reference.
    public var result: TransferResult?
    /// Objective terms at the first evaluation (the starting image), `nil` for input tiles.
    public var startTerms: GatysObjective.Terms?

    /// A tile; `result` and `startTerms` only for tiles a transfer made.
    public init(caption: String, image: Tensor, result: TransferResult? = nil, startTerms: GatysObjective.Terms? = nil) {
        self.caption = caption
        self.image = image
        self.result = result
        self.startTerms = startTerms
    }
}

/// A figure of the paper: tiles laid out in a grid of `columns`, row by row.
public struct Figure: Sendable {
    /// The tiles, row by row.
    public var tiles: [FigureTile]
    /// Tiles per row of the contact sheet.
    public var columns: Int
    /// True when the caller stopped the run (the last tile may be unfinished, later ones are missing).
    public var interrupted: Bool

    /// A figure of `tiles`, `columns` per row.
    public init(tiles: [FigureTile], columns: Int, interrupted: Bool = false) {
        self.tiles = tiles
        self.columns = columns
        self.interrupted = interrupted
    }

    /// Rows of the contact sheet (no `count + columns - 1`: that overflows for huge `columns`).
    public var rows: Int { columns > 0 ? tiles.count / columns + (tiles.count % columns > 0 ? 1 : 0) : 0 }

    /// The labelled contact sheet: each tile with its caption under it, `columns` per row,
    /// 8 px white gaps. Returns RGB `[3, H', W']`, 0…255. - Throws: `FigureError`, `ImageError`.
    public func sheet() throws -> Tensor {
        guard !tiles.isEmpty else { throw FigureError.noTiles }
        return try ImageIO.contactSheet(tiles: tiles.map(\.image), captions: tiles.map(\.caption), columns: columns)
    }
}

/// Called after every evaluation of every tile, on the transfer's thread.
public typealias FigureProgressHandler = @Sendable (FigureProgress) -> Void

/// Where the making of a figure is: which tile, and that tile's transfer progress.
public struct FigureProgress: Sendable {
    /// The tile being optimised, 1-based, counting only the optimised tiles.
    public var tile: Int
    /// Optimised tiles in the figure.
    public var tiles: Int
    /// The caption of the tile being optimised.
    public var caption: String
    /// The transfer's own progress event for this tile.
    public var event: TransferProgressEvent

    /// The transfer's progress for this tile.
    public var transfer: TransferProgress { event.progress }

    /// The tile's image as it is now, RGB `[3, h, w]` (see ``TransferProgressEvent/currentImage()``).
    public func currentImage() -> Tensor? { event.currentImage() }
}

/// Errors of the figure makers.
public enum FigureError: Error, CustomStringConvertible, Equatable {
    /// A figure with nothing to show.
    case noTiles
    /// No layers for the named reconstruction.
    case noLayers(String)
    /// The named loss weight is not above 0.
    case invalidWeight(String)
    /// Content/style ratios that are not positive numbers.
    case invalidRatios(String)

    /// The error in one line, with what to do.
    public var description: String {
        switch self {
        case .noTiles: return "the figure has no tiles; give at least one layer, ratio or start image"
        case .noLayers(let what): return "no layers were given for the \(what); list at least one, e.g. relu1_1"
        case .invalidWeight(let what): return "\(what) must be a positive number for this figure; raise it or leave the default"
        case .invalidRatios(let what): return "invalid content/style ratios: \(what); give positive numbers such as 1e-1,1e-2"
        }
    }
}
