import Foundation
import Testing
@testable import PincelStudio

/// The page served is the page in Sources/PincelStudio/Assets (compiled in by `.embedInCode`).
@Suite struct StudioPageTests {
    static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/PincelStudio/Assets")

    @Test(arguments: [("studio.html", StudioPage.html), ("studio.css", StudioPage.css), ("studio.js", StudioPage.script)])
    func theEmbeddedPageMatchesItsSourceFiles(file: String, embedded: String) throws {
        let text = try String(contentsOf: Self.assets.appendingPathComponent(file), encoding: .utf8)
        #expect(text == embedded)
    }

    @Test func thePageLoadsNothingFromElsewhere() {
        for text in [StudioPage.html, StudioPage.css, StudioPage.script] {
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"))
        }
    }
}
