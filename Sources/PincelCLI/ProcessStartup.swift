import Foundation

/// What `main` does before parsing anything.
enum ProcessStartup {
    static func prepare() {
        // A closed standard stream (`2>&-`) would otherwise be the next file opened (the
        // weights, the output image) and progress lines would be written into it.
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 {
            let null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd {
                dup2(null, fd)
                close(null)
            }
        }
        // A reader that went away (`| head`) makes writes fail with EPIPE instead of killing
        // the run; ``StandardStream`` ignores the failure.
        signal(SIGPIPE, SIG_IGN)
        InterruptFlag.install()
    }
}
