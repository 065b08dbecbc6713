/// Lets a file name that starts with `-` be a path option's value: `--output -x.png` becomes
/// `--output=-x.png` before ArgumentParser sees it (it takes any word that starts with `-` for
/// an option, and refused the name as an unknown option).
///
/// Only the options below, which always take a file or folder name, join the next word; and
/// only a word that starts with one `-` (`--output --style s.jpg` still says that `--output`
/// has no value). `--output=--x.png` or `--output ./--x.png` give any other name.
enum DashFileNameArguments {
    static let pathOptions: Set<String> = [
        "--content", "--style", "--output", "--input", "--work-dir", "--log", "--init", "--weights", "--image",
        "--style-mask", "--style-region", "--mask", "--keep-tiles", "--examples",
    ]

    static func joined(_ arguments: [String]) -> [String] {
        OptionValueJoining.joined(arguments) { option, next in pathOptions.contains(option) && startsWithOneDash(next) }
    }

    /// `-x.png`, `-` alone: a dash not followed by another.
    static func startsWithOneDash(_ word: String) -> Bool {
        word.hasPrefix("-") && !word.hasPrefix("--")
    }
}

/// The command line as the commands parse it: negative numbers joined to their options
/// (``NegativeNumberArguments``), then file names that start with `-` (``DashFileNameArguments``).
enum CommandArguments {
    static func prepared(_ arguments: [String]) -> [String] {
        DashFileNameArguments.joined(NegativeNumberArguments.joined(arguments))
    }
}

/// The one rewrite both of the above make: `OPTION VALUE` becomes `OPTION=VALUE` where `joins`
/// says so; everything from a `--` on is passed through untouched.
enum OptionValueJoining {
    static func joined(_ arguments: [String], where joins: (_ option: String, _ next: String) -> Bool) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                result += arguments[index...]
                break
            }
            if index + 1 < arguments.count, joins(word, arguments[index + 1]) {
                result.append(word + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(word)
                index += 1
            }
        }
        return result
    }
}
