import ArgumentParser
import Pincel

@main
struct PincelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pincel",
        abstract: "Neural style transfer (Gatys et al.) on the CPU.",
        version: PincelInfo.version
    )
    func run() throws {}
}
