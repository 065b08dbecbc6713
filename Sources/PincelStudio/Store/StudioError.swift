/// What goes wrong in the studio, each with a one-line message fit for the page.
public enum StudioError: Error, CustomStringConvertible, Equatable {
    /// A request the studio refuses (HTTP 400): bad parameters, an unknown image.
    case badRequest(String)
    /// No job, upload or example of that name (HTTP 404).
    case notFound(String)
    /// An upload above the byte or pixel limit (HTTP 413).
    case tooLarge(String)
    /// A request the studio's state refuses now (HTTP 409): a full queue, an image a job waits for.
    case conflict(String)
    /// Another `pincel studio` serves the same folder (its address in the message).
    case alreadyRunning(String)
    /// The database or a file could not be read or written (HTTP 500).
    case storage(String)
    /// The server could not listen on its address (the port is taken, the address is not this machine's).
    case cannotListen(String)
    /// Something the studio needs is missing, e.g. the instant models (HTTP 503).
    case unavailable(String)

    /// The message, one line.
    public var description: String {
        switch self {
        case .badRequest(let m), .notFound(let m), .tooLarge(let m), .conflict(let m), .alreadyRunning(let m), .storage(let m),
             .cannotListen(let m), .unavailable(let m): return m
        }
    }
}
