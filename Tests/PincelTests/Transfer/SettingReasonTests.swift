import Pincel
import PincelVideo
import Testing

/// Refused settings are typed: a front end names them (and the settings their text mentions)
/// in its own terms without reading the prose.
@Suite struct SettingReasonTests {
    @Test func aReasonNamesOtherSettingsAsSettings() throws {
        var options = TransferOptions()
        options.maxPixels = 1_000_000
        options.size = 2000
        do {
            try options.validate(styleCount: 1)
            Issue.record("a size above the pixel limit was accepted")
        } catch TransferError.invalidSetting(let setting, let reason) {
            #expect(setting == .size)
            #expect(reason.settings == [.maxPixels])
            #expect(reason.description == "2000 is above the pixel limit (1000000 pixels; see the maximum pixels)")
            #expect(reason.text { "<\($0.rawValue)>" } == "2000 is above the pixel limit (1000000 pixels; see <maxPixels>)")
        }
    }

    @Test func literalsAndInterpolationsCompareByTheirParts() {
        let plain: SettingReason = "must be at least 1"
        #expect(plain.settings.isEmpty && plain.description == "must be at least 1")
        #expect(plain.text { $0.rawValue } == "must be at least 1")
        let built: SettingReason = "lists \(2) scales but \(setting: .scales) is \(3)"
        #expect(built == "lists 2 scales but \(setting: .scales) is 3")
        #expect(built != "lists 2 scales but scales is 3")
        #expect(built.description == "lists 2 scales but scales is 3")
        #expect(TransferError.invalidSetting(.scaleIterations, built).description == "iterations per scale lists 2 scales but scales is 3")
    }

    @Test func videoSettingsAreTyped() {
        var options = VideoOptions()
        options.temporalWeight = -1
        #expect(throws: VideoError.invalidSetting(.temporalWeight, "must be finite and at least 0, got -1.0")) {
            try options.validate(styleCount: 1)
        }
        #expect(VideoError.invalidSetting(.frameRate, "must be a number").description == "the frame rate must be a number")
    }
}
