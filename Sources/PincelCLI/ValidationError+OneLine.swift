import ArgumentParser
import Pincel

extension ValidationError {
    /// A validation error whose message is one line whatever a path or value it quotes holds
    /// (newlines and terminal escapes from the command line are escaped).
    static func oneLine(_ message: String) -> ValidationError {
        ValidationError(OneLine.sanitize(message))
    }
}
