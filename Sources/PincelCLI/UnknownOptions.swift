import ArgumentParser

/// Names an unknown long option, with its nearest valid spelling, before anything else is
/// reported about a command line that failed to parse.
///
/// ArgumentParser checks for missing required options before it looks at unknown ones, so
/// `pincel --content a.png --style b.jpg --ouput x.png` said "Missing expected argument
/// '--output'" and never mentioned `--ouput`. ``PincelCommand/main()`` asks here first when
/// parsing fails: the command the words select (the default transfer when none is named) and
/// its options as its full help lists them (hidden ones included).
enum UnknownOptions {
    /// The first `--name` of `arguments` that the selected command does not take, with the
    /// command, or `nil` when every long option is known.
    static func first(in arguments: [String], root: ParsableCommand.Type = PincelCommand.self)
        -> (option: String, suggestion: String?, command: ParsableCommand.Type)? {
        var command = root
        var words = arguments[...]
        while let next = words.first,
              let sub = command.configuration.subcommands.first(where: { $0._commandName == next }) {
            command = sub
            words = words.dropFirst()
        }
        if command == root, let fallback = root.configuration.defaultSubcommand { command = fallback }
        let known = options(of: command)
        guard !known.isEmpty else { return nil }
        for word in words {
            if word == "--" { break }
            guard word.hasPrefix("--"), word.count > 2 else { continue }
            let name = String(word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])
            if known.contains(name) || name == "--help" || name == "--version" { continue }
            return (name, nearest(to: name, in: known), command)
        }
        return nil
    }

    /// The message: `Unknown option '--ouput'. Did you mean '--output'?`.
    static func message(option: String, suggestion: String?) -> String {
        "Unknown option '\(option)'." + (suggestion.map { " Did you mean '\($0)'?" } ?? "")
    }

    /// Every `--name` the command's help (hidden options included) shows; `--[no-]name` gives
    /// both spellings.
    static func options(of command: ParsableCommand.Type) -> Set<String> {
        let help = command.helpMessage(includeHidden: true, columns: 10_000)
        var names = Set<String>()
        for token in help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "(" }) {
            var word = Substring(token)
            let inverts = word.hasPrefix("--[no-]")
            if inverts { word = "--" + word.dropFirst(7) }
            guard word.hasPrefix("--") else { continue }
            let name = "--" + word.dropFirst(2).prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            guard name.count > 2, !name.hasSuffix("-") else { continue }
            names.insert(name)
            if inverts { names.insert("--no-" + name.dropFirst(2)) }
        }
        return names
    }

    /// The known option closest to `name` in edit distance, when it is close enough to be a
    /// slip (at most a third of the name's letters, and at least 1, differ).
    static func nearest(to name: String, in known: Set<String>) -> String? {
        let limit = max(1, (name.count - 2) / 3)
        let ranked = known.map { (option: $0, distance: distance(name, $0)) }
            .filter { $0.distance <= limit }
            .sorted { ($0.distance, $0.option) < ($1.distance, $1.option) }
        return ranked.first?.option
    }

    /// Levenshtein distance (insertions, deletions, substitutions; a swap of two neighbours
    /// counts 1).
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }
}
