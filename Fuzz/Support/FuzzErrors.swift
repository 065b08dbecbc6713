/// Runs `body`; any error it throws must be an `E` whose description is one non-empty line
/// (what the user would see). Anything else stops the fuzz run as a bug.
func expectOneLineErrors<E: Error & CustomStringConvertible>(_ kind: E.Type, _ body: () throws -> Void) {
    do {
        try body()
    } catch let error as E {
        let text = error.description
        if text.isEmpty || text.contains("\n") || text.contains("\r") {
            fatalError("fuzz: bad error message: \(text.debugDescription)")
        }
    } catch {
        fatalError("fuzz: error that is not a \(E.self): \(error)")
    }
}
