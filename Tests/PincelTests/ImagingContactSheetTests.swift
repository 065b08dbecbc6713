import Foundation
import Testing
@testable import Pincel
@testable import PincelCore
@testable import PincelWeights
@testable import PincelImaging
@testable import PincelDNNL

@Suite struct ImagingContactSheetTests {
    static func solid(_ rgb: [Float], height: Int, width: Int) -> Tensor {
        Tensor(shape: [3, height, width], data: rgb.flatMap { [Float](repeating: $0, count: height * width) })
    }

    @Test func gridPlacesTilesInRowsWithoutCaptions() throws {
        let red = Self.solid([255, 0, 0], height: 20, width: 30)
        let blue = Self.solid([0, 0, 255], height: 20, width: 30)
        let sheet = try ImageIO.contactSheet(tiles: [red, blue, red], columns: 2)
        // Two columns of 30 px with an 8 px gap; two rows of 20 px with an 8 px gap.
        #expect(sheet.shape == [3, 48, 68])
        #expect(ImagingFixtures.pixel(sheet, x: 5, y: 5) == [255, 0, 0])
        #expect(ImagingFixtures.pixel(sheet, x: 60, y: 5) == [0, 0, 255])
        #expect(ImagingFixtures.pixel(sheet, x: 5, y: 40) == [255, 0, 0])
        #expect(ImagingFixtures.pixel(sheet, x: 60, y: 40) == [255, 255, 255])
    }

    @Test func captionsAddDarkTextBelowEachTile() throws {
        let gray = Self.solid([128, 128, 128], height: 40, width: 80)
        let sheet = try ImageIO.contactSheet(tiles: [gray, gray], captions: ["style <1> & co", "content"], columns: 2)
        #expect(sheet.shape[0] == 3)
        #expect(sheet.shape[1] > 40)
        #expect(sheet.shape[2] >= 168)
        #expect(ImagingFixtures.pixel(sheet, x: 10, y: 10) == [128, 128, 128])
        // Below the tile: white background with some dark (text) pixels.
        let h = sheet.shape[1], w = sheet.shape[2]
        var dark = 0, white = 0
        for y in 41..<h {
            for x in 0..<80 {
                let p = ImagingFixtures.pixel(sheet, x: x, y: y)
                if p.allSatisfy({ $0 < 100 }) { dark += 1 }
                if p.allSatisfy({ $0 == 255 }) { white += 1 }
            }
        }
        #expect(dark > 10, "no caption ink found")
        #expect(white > dark)
        _ = w
    }

    /// Captions of different lengths (one word, and many lines of words) and tiles of
    /// different sizes: every cell is the same size, tiles sit centred in the same tile area and
    /// start on the same row, so the grid stays regular.
    @Test func tilesStayAlignedWhateverTheirCaptions() throws {
        let colours: [[Float]] = [[255, 0, 0], [0, 128, 0], [0, 0, 255], [200, 0, 200]]
        let tiles = colours.enumerated().map { k, c in Self.solid(c, height: k == 3 ? 20 : 40, width: k == 3 ? 30 : 40) }
        let captions = ["a", "a much longer caption that wraps over several lines of text", "", "b"]
        let sheet = try ImageIO.contactSheet(tiles: tiles, captions: captions, columns: 2)
        let (h, w) = (sheet.shape[1], sheet.shape[2])
        #expect((w - 8) % 2 == 0 && (h - 8) % 2 == 0)
        let (cellW, cellH) = ((w - 8) / 2, (h - 8) / 2)
        // The top-left corner of each tile, found by its colour.
        func corner(_ c: [Float]) -> (x: Int, y: Int)? {
            for y in 0..<h {
                for x in 0..<w where ImagingFixtures.pixel(sheet, x: x, y: y) == c { return (x, y) }
            }
            return nil
        }
        let corners = colours.compactMap(corner)
        #expect(corners.count == 4)
        guard corners.count == 4 else { return }
        // Same offset inside every cell for the equal tiles; the small one centred in the tile area.
        let inCell = corners.enumerated().map { k, p in (p.x - (k % 2) * (cellW + 8), p.y - (k / 2) * (cellH + 8)) }
        #expect(inCell[0] == inCell[1] && inCell[0] == inCell[2], "\(inCell)")
        #expect(inCell[0].1 == 0)
        #expect(inCell[3] == (inCell[0].0 + 5, inCell[0].1 + 10), "\(inCell)")
        // The long caption made every cell taller, not just its own.
        #expect(cellH > 40 + 30)
    }

    @Test func invalidArgumentsThrow() {
        let tile = Self.solid([0, 0, 0], height: 2, width: 2)
        expectImageError({ if case .invalidArgument = $0 { true } else { false } }) {
            _ = try ImageIO.contactSheet(tiles: [], columns: 1)
        }
        expectImageError({ if case .invalidArgument = $0 { true } else { false } }) {
            _ = try ImageIO.contactSheet(tiles: [tile], columns: 0)
        }
        expectImageError({ if case .invalidArgument = $0 { true } else { false } }) {
            _ = try ImageIO.contactSheet(tiles: [tile], captions: ["a", "b"], columns: 1)
        }
    }
}
