import Foundation
import Testing
@testable import PincelStudio

/// `pincel studio` as a process: the token stays out of the process list, other accounts of the
/// machine get nothing, and one studio per home.
@Suite(.serialized) struct StudioProcessTests {
    @Test func theTokenFromAFileOrTheEnvironmentIsNotInTheProcessList() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let home = try await offPool { try StudioProcess.makeHome(folder) }
        let token = "file-token-" + StudioAuth.generate()
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: home + "/token"))
        for (arguments, environment) in [(["--token-file", home + "/token"], [:]), ([], ["PINCEL_STUDIO_TOKEN": token])] {
            let studio = try await StudioProcess.start(home: home, token: token, arguments: arguments, environment: environment)
            defer { studio.stop() }  // normally already stopped below
            #expect(!studio.commandLine.isEmpty && !studio.commandLine.contains(token))
            #expect(studio.printedText.contains("http://127.0.0.1:\(studio.port)/?token=\(token)"))
            #expect(try await studio.request("/api/jobs").status == 200)
            #expect(try await StudioProcess.curlAsync(["http://127.0.0.1:\(studio.port)/api/jobs"]).status == 401)
            try await studio.halt()
        }
        // --token still works, with a warning that everyone can read it.
        let visible = try await StudioProcess.start(home: home, token: token, arguments: ["--token", token])
        #expect(try await visible.request("/api/health").status == 200)
        try await visible.halt()
        #expect(try await visible.errorText().contains("warning: --token is visible to every local user in the process list"))
        // Without any: a new random token on every start.
        let first = try await StudioProcess.start(home: home, token: "")
        try await first.halt()
        let second = try await StudioProcess.start(home: home, token: "")
        try await second.halt()
        #expect(first.token.count == 32 && second.token.count == 32 && first.token != second.token)
    }

    @Test func anotherAccountOfThisMachineGetsNothing() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            print("skipped: the other-account check runs as root with setpriv and curl (to become nobody); uid \(getuid())")
            return
        }
        let folder = try TempFolder()
        defer { folder.remove() }
        let home = try await offPool { try StudioProcess.makeHome(folder) }
        let studio = try await StudioProcess.start(home: home, token: "")
        defer { studio.stop() }  // normally already stopped below
        let token = studio.token
        #expect(token.count == 32)
        let owner = studio
        let upload = try await owner.request("/api/uploads?name=mine.png", ["-H", "Content-Type: application/octet-stream",
                                                                    "--data-binary", "@" + home + "/examples/photo.png"])
        #expect(upload.status == 201)
        let base = "http://127.0.0.1:\(studio.port)"
        for path in ["/api/uploads", "/api/jobs", "/", "/studio.js"] {
            let got = try await StudioProcess.curlAsync([base + path], asNobody: true)
            #expect(got.status == 401, "\(path)")
            #expect(!got.body.contains("mine.png") && !got.body.contains("upload:"), "\(path)")
        }
        let post = try await StudioProcess.curlAsync(["-H", "Content-Type: application/json", "-H", "Origin: \(base)", "-d",
                                           "{\"content\":\"example:photo.png\",\"styles\":[\"example:paint.png\"]}", base + "/api/jobs"], asNobody: true)
        #expect(post.status == 401)
        // Nor can nobody read the token from the process's command line or environment.
        #expect(!studio.commandLine.contains(token))
        let environ = try await StudioProcess.curlAsync(["file:///proc/\(studio.process.processIdentifier)/environ"], asNobody: true)
        #expect(!environ.body.contains(token))
        #expect(try await owner.request("/api/uploads").body.contains("mine.png"))
        try await studio.halt()
    }

    @Test func aSecondStudioOnTheSameHomeExitsNamingTheFirst() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let home = try await offPool { try StudioProcess.makeHome(folder) }
        let token = StudioAuth.generate()
        let first = try await StudioProcess.start(home: home, token: token, environment: ["PINCEL_STUDIO_TOKEN": token])
        defer { first.stop() }
        let job = try await first.request("/api/jobs", ["-H", "Content-Type: application/json", "-d",
                                               "{\"content\":\"example:photo.png\",\"styles\":[\"example:paint.png\"],\"size\":256,\"iterations\":3000}"])
        #expect(job.status == 201)
        let id = try #require((try? JSONSerialization.jsonObject(with: Data(job.body.utf8))) as? [String: Any])["id"] as? String ?? ""
        func state() async throws -> [String: Any] {
            let body = try await first.request("/api/jobs/" + id).body
            return (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        let end = Date().addingTimeInterval(60)
        while Date() < end, try await state()["state"] as? String != "running" { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await state()["state"] as? String == "running")

        let second = try await StudioProcess.start(home: home, token: token, environment: ["PINCEL_STUDIO_TOKEN": token], waitForAddress: false)
        let status = try await second.exit(within: 60)
        try await second.halt()
        #expect(status == 1)
        let lines = try await second.errorText().split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("(pid \(first.process.processIdentifier), http://127.0.0.1:\(first.port)/)") == true,
                "\(lines)")
        // The first's job runs on, untouched.
        let after = try await state()
        #expect(after["state"] as? String == "running")
        #expect(after["message"] as? String == nil)
        #expect(try await first.request("/api/health").status == 200)
        try await first.halt()
    }
}

