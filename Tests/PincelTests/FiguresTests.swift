import Foundation
import Synchronization
import PincelTestSupport
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL
@testable import PincelFigures

/// The paper's figures on tiny images with the real weights.
@Suite("Figures", .serialized, .needsWeights)
struct FiguresTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func example(_ name: String, side: Int) throws -> Tensor {
        try ImageIO.load(repo.appendingPathComponent("Examples/\(name)").path, longerSide: side)
    }
    static func weights() throws -> VGG19Weights {
        try VGG19Weights.load(contentsOf: WeightsLocator.resolve(explicit: nil))
    }
    static func options(iterations: Int, seed: UInt64 = 7) -> TransferOptions {
        var o = TransferOptions()
        o.iterations = iterations
        o.seed = seed
        return o
    }

    /// Root-mean-square pixel difference of two images of the same shape.
    static func rms(_ a: Tensor, _ b: Tensor) -> Double {
        let sum = zip(a.data, b.data).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        return (sum / Double(a.count)).squareRoot()
    }

    /// Checks that the sheet is a grid of `columns` × `rows` equal cells (8 px gaps), each at
    /// least its tile's size (a caption below, maybe wider than the tile), and that each
    /// tile appears, as 8-bit, horizontally centred in its own cell.
    static func expectGrid(_ sheet: Tensor, figure: Figure, columns: Int, rows: Int) {
        #expect(figure.columns == columns)
        #expect(figure.rows == rows)
        let tileH = figure.tiles.map { $0.image.shape[1] }.max() ?? 0
        let tileW = figure.tiles.map { $0.image.shape[2] }.max() ?? 0
        let (h, w) = (sheet.shape[1], sheet.shape[2])
        #expect(sheet.shape[0] == 3)
        #expect((w - (columns - 1) * 8) % columns == 0, "sheet width \(w) is not \(columns) equal columns")
        #expect((h - (rows - 1) * 8) % rows == 0, "sheet height \(h) is not \(rows) equal rows")
        let cellW = (w - (columns - 1) * 8) / columns, cellH = (h - (rows - 1) * 8) / rows
        #expect(cellW >= tileW && cellW < tileW + 150, "cell width \(cellW) for tiles of \(tileW) px")
        #expect(cellH > tileH && cellH < tileH + 60, "cell height \(cellH) for tiles of \(tileH) px + caption")
        for (k, tile) in figure.tiles.enumerated() {
            let (r, c) = (k / columns, k % columns)
            let (th, tw) = (tile.image.shape[1], tile.image.shape[2])
            let centre = c * (cellW + 8) + (cellW - tw) / 2
            var best = Double.infinity
            for x0 in max(0, centre - 2)...min(w - tw, centre + 2) {
                for y0 in (r * (cellH + 8))...(r * (cellH + 8) + cellH - th) {
                    var err = 0.0
                    for ch in 0..<3 {
                        for y in 0..<th {
                            for x in 0..<tw {
                                let s = sheet.data[(ch * h + y0 + y) * w + x0 + x]
                                let t = min(max(tile.image.data[(ch * th + y) * tw + x].rounded(), 0), 255)
                                err += Double(abs(s - t))
                            }
                        }
                    }
                    best = min(best, err / Double(3 * th * tw))
                }
            }
            #expect(best < 1, "tile \(k) (\(tile.caption)) not found in its cell: mean difference \(best)")
        }
    }

    @Test func contentReconstructionFromLowLayerIsCloserThanFromHighLayer() async throws {
        let image = try Self.example("astronaut.png", side: 32)
        let layers = ["relu1_2", "relu5_2"].map { WeightedLayer(name: $0) }
        let seen = Mutex<[Int]>([])
        let figure = try await Figures.contentReconstructions(image: image, layers: layers, weights: Self.weights(),
                                                              options: Self.options(iterations: 30)) { p in
            seen.withLock { if $0.last != p.tile { $0.append(p.tile) } }
            #expect(p.tiles == 2)
        }
        #expect(seen.withLock { $0 } == [1, 2])
        #expect(figure.tiles.map(\.caption) == ["input", "relu1_2", "relu5_2"])
        #expect(figure.tiles.allSatisfy { $0.image.shape == image.shape })
        let low = Self.rms(figure.tiles[1].image, image), high = Self.rms(figure.tiles[2].image, image)
        let noise = Self.rms(Tensor(shape: image.shape, data: image.data.map { _ in 127.5 }), image)
        print("content reconstruction 32 px, 30 iterations: rms error relu1_2 \(low), relu5_2 \(high) (grey: \(noise))")
        #expect(low < 0.5 * high)
        #expect(low < 0.25 * noise)
        for tile in figure.tiles.dropFirst() {
            let r = try #require(tile.result), start = try #require(tile.startTerms)
            #expect(r.finalTerms.style == 0 && r.finalTerms.tv == 0)
            #expect(r.finalTerms.content < 0.5 * start.content)
        }
        Self.expectGrid(try figure.sheet(), figure: figure, columns: 3, rows: 1)
    }

    @Test func styleReconstructionsDropTheirStyleLossByNinetyPercent() async throws {
        let image = try Self.example("starry_night.jpg", side: 32)
        let sets = Figures.nestedStyleSets()
        #expect(sets.map { $0.map(\.name) } == (1...5).map { Array(["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"].prefix($0)) })
        #expect(sets[2].allSatisfy { abs($0.weight - 1.0 / 3) < 1e-6 })
        // Adam, as `pincel reconstruct style` uses by default: L-BFGS stalls on the low-layer sets.
        var options = Self.options(iterations: 30)
        options.optimizer = .adam
        let figure = try await Figures.styleReconstructions(image: image, layerSets: sets, weights: Self.weights(),
                                                      options: options, includeInput: false)
        #expect(figure.tiles.map(\.caption) == ["relu1_1", "relu1_1…relu2_1", "relu1_1…relu3_1", "relu1_1…relu4_1",
                                                 "relu1_1…relu5_1"])
        for tile in figure.tiles {
            let r = try #require(tile.result), start = try #require(tile.startTerms)
            let drop = 1 - r.finalTerms.style / start.style
            print("style reconstruction \(tile.caption): style loss \(start.style) -> \(r.finalTerms.style) (\(100 * drop)% lower)")
            #expect(drop >= 0.9, "\(tile.caption): style loss only \(100 * drop)% lower")
            #expect(r.finalTerms.content == 0 && r.finalTerms.tv == 0)
            #expect(tile.image.shape == image.shape)
        }
        Self.expectGrid(try figure.sheet(), figure: figure, columns: 5, rows: 1)
    }

    @Test func ratioSheetHasOneTilePerRatioAfterTheInputs() async throws {
        let content = try Self.example("chelsea.png", side: 32)
        let style = try Self.example("the_scream.jpg", side: 32)
        let ratios: [Float] = [5, 5e-4]
        let figure = try await Figures.ratioSheet(content: content, style: style, ratios: ratios, weights: Self.weights(),
                                            options: Self.options(iterations: 20))
        #expect(figure.tiles.map(\.caption) == ["content", "style", "α/β = 5", "α/β = 5e-4"])
        // The photo-heavy ratio stays nearer the photo than the painting-heavy one.
        let photo = Self.rms(figure.tiles[2].image, content), painting = Self.rms(figure.tiles[3].image, content)
        print("ratio sheet 32 px: rms to content α/β=5 \(photo), α/β=5e-4 \(painting)")
        #expect(photo < painting)
        var wide = figure
        wide.columns = 2
        Self.expectGrid(try wide.sheet(), figure: wide, columns: 2, rows: 2)
    }

    @Test func initialisationSheetStartsFromStyleContentAndNoise() async throws {
        let content = try Self.example("coffee.png", side: 32)
        let style = try Self.example("starry_night.jpg", side: 32)
        let recorded = Mutex<[Tensor]>([])
        let figure = try await Figures.initialisationSheet(content: content, style: style, weights: Self.weights(),
                                                           options: Self.options(iterations: 3), includeInputs: false) { p in
            if p.transfer.iteration == 1, let image = p.currentImage() { recorded.withLock { $0.append(image) } }
        }
        let starts = recorded.withLock { $0 }
        #expect(figure.tiles.map(\.caption) == ["from style", "from content", "from noise"])
        try #require(starts.count == 3)
        let styleAtSize = try ImageIO.resize(style, width: content.shape[2], height: content.shape[1])
        #expect(Self.rms(starts[0], styleAtSize) < 1)
        #expect(Self.rms(starts[1], content) < 1)
        #expect(Self.rms(starts[2], content) > 20 && Self.rms(starts[2], styleAtSize) > 20)
        Self.expectGrid(try figure.sheet(), figure: figure, columns: 3, rows: 1)
    }

    @Test func ratioFormattingAndErrors() async throws {
        #expect(Figures.formatRatio(5e-2) == "5e-2")
        #expect(Figures.formatRatio(1) == "1")
        #expect(Figures.formatRatio(50) == "5e1")
        #expect(Figures.formatRatio(0.25) == "0.25")
        let image = Tensor(zeros: [3, 32, 32])
        let weights = try Self.weights()
        await #expect(throws: FigureError.noLayers("content reconstruction")) {
            _ = try await Figures.contentReconstructions(image: image, layers: [], weights: weights)
        }
        await #expect(throws: FigureError.invalidRatios("0.0")) {
            _ = try await Figures.ratioSheet(content: image, style: image, ratios: [1, 0], weights: weights)
        }
        var o = TransferOptions()
        o.styleWeight = 0
        await #expect(throws: FigureError.invalidWeight("the style weight")) {
            _ = try await Figures.styleReconstructions(image: image, weights: weights, options: o)
        }
        #expect(throws: FigureError.noTiles) { _ = try Figure(tiles: [], columns: 1).sheet() }
    }
}
