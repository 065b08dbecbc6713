import Testing
@testable import Pincel

@Test func versionIsSet() { #expect(!PincelInfo.version.isEmpty) }
