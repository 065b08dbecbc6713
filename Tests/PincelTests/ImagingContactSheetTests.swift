import Foundation
import Testing
@testable import Pincel

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
