import Foundation
import PincelTestSupport
import Testing

/// Contact sheets: every tile starts on the same row and the tiles are evenly spaced whatever
/// their captions' lengths (`relu1_1` against `relu1_1…relu4_1`, which wraps).
@Suite(.serialized, .needsWeights) struct CLIContactSheetTests {
    @Test func tilesAlignedWhateverTheirCaptions() throws {
        try withTemporaryDirectory { dir in
            let r = try runPincel(["reconstruct", "style", "--image", CLIPaths.astronaut,
                                   "--layers", "relu1_1,relu2_1,relu3_1,relu4_1", "--size", "32", "--iterations", "1",
                                   "--seed", "1", "--no-inputs", "--quiet", "--output", "sheet.png"], in: dir, timeout: 180)
            #expect(r.status == 0, "\(r.summary)")
            let png = try PNGImage(contentsOf: dir.appendingPathComponent("sheet.png").path)
            // Tiles are noise (never white for long); captions and the background are under or
            // around them. The first row with a coloured (non-grey) pixel is the top of the tiles.
            func coloured(_ x: Int, _ y: Int) -> Bool {
                let (r, g, b) = (png.value(x: x, y: y, channel: 0), png.value(x: x, y: y, channel: 1), png.value(x: x, y: y, channel: 2))
                return max(r, g, b) - min(r, g, b) > 24
            }
            let rows = (0..<png.height).filter { y in (0..<png.width).contains { coloured($0, y) } }
            guard let top = rows.first else {
                Issue.record("no tile found")
                return
            }
            // Each tile spans 32 columns; find the tiles by the columns with colour in the top 32 rows.
            let columns = (0..<png.width).filter { x in (top..<min(top + 32, png.height)).contains { coloured(x, $0) } }
            var runs: [ClosedRange<Int>] = []
            for x in columns {
                if let last = runs.last, x <= last.upperBound + 2 { runs[runs.count - 1] = last.lowerBound...x } else { runs.append(x...x) }
            }
            #expect(runs.count == 4, "tiles found at \(runs)")
            // Every tile has colour in its first row and in its 32nd row: none is shifted down or up.
            for run in runs {
                let mid = (run.lowerBound + run.upperBound) / 2
                let inTile = (mid - 8...mid + 8)
                #expect(inTile.contains { coloured($0, top) }, "tile at \(run) does not start on row \(top)")
                #expect(inTile.contains { coloured($0, top + 31) }, "tile at \(run) ends early")
                #expect(!inTile.contains { coloured($0, top + 34) }, "tile at \(run) is shifted down")
            }
            // Evenly spaced.
            let starts = runs.map(\.lowerBound)
            let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
            #expect(Set(gaps).count <= 1 || (gaps.max() ?? 0) - (gaps.min() ?? 0) <= 2, "uneven spacing: \(starts)")
        }
    }
}
