/// Lets a negative number be an option's value: `--iterations -5` becomes `--iterations=-5`
/// before ArgumentParser sees it.
///
/// ArgumentParser takes any word that starts with `-` for an option, so `--iterations -5`
/// failed with "Missing value" instead of reaching the option's range check. Every command's
/// options pass through here (``PincelCommand/main()``), so each integer and number option
/// reports `--iterations must be between 1 and 1000000, got -5`. No pincel command takes a
/// positional argument, so a negative number after a long option can only be its value (after
/// a flag, the joined word is refused as a value the flag does not take, as before).
enum NegativeNumberArguments {
    static func joined(_ arguments: [String]) -> [String] {
        OptionValueJoining.joined(arguments) { option, next in isLongOptionName(option) && looksNegative(next) }
    }

    /// `--name` with no `=value` of its own.
    static func isLongOptionName(_ word: String) -> Bool {
        word.hasPrefix("--") && word.count > 2 && !word.contains("=")
    }

    /// `-5`, `-0.5`, `-.5`, `-1e3`, `-0.5,1`: a minus sign, then a digit (or a point and a digit).
    static func looksNegative(_ word: String) -> Bool {
        let chars = Array(word.utf8.prefix(3))
        guard chars.count >= 2, chars[0] == UInt8(ascii: "-") else { return false }
        if isDigit(chars[1]) { return true }
        return chars.count == 3 && chars[1] == UInt8(ascii: ".") && isDigit(chars[2])
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
