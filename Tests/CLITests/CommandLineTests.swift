import Foundation
import TestSupport
import XCTest

/// Drives the real `dcgan-lab` binary: help, and bad input giving a clear message and
/// exit status 2 (usage) or 1 (a failure), never a crash.
final class CommandLineTests: XCTestCase {
    func testHelpListsEveryCommand() throws {
        let (status, out, _) = try run(["--help"])
        XCTAssertEqual(status, 0)
        for command in ["data", "eda", "train", "sample", "study", "evaluate", "fid", "classifier", "bench", "parity"] {
            XCTAssertTrue(out.contains("  \(command) "), "--help does not list \(command)")
        }
        let (trainStatus, trainHelp, _) = try run(["train", "--help"])
        XCTAssertEqual(trainStatus, 0)
        XCTAssertTrue(trainHelp.contains("--variant NAME") && trainHelp.contains("--resume"))
    }

    func testUsageErrorsExitWithStatusTwoAndNameTheProblem() throws {
        let cases: [([String], String)] = [
            (["frobnicate"], "unknown command 'frobnicate'"),
            (["train", "--epochz", "3"], "unknown option '--epochz'"),
            (["train", "--epochs", "three"], "'--epochs' expects a whole number, got 'three'"),
            (["train", "--variant", "spectral"], "must be one of"),
            (["train", "--image-size", "32"], "'--image-size' must be one of 28, 64"),
            (["study", "--preset", "huge"], "'--preset' must be one of"),
            (["study", "--variants", "baseline,nope"], "unknown variant 'nope'"),
            (["sample"], "needs --checkpoint"),
        ]
        for (arguments, message) in cases {
            let (status, _, err) = try run(arguments)
            XCTAssertEqual(status, 2, "\(arguments) should exit 2")
            XCTAssertTrue(err.contains(message), "\(arguments): stderr '\(err)' lacks '\(message)'")
        }
    }

    func testMisspeltEngineSwitchIsNamed() throws {
        let (status, _, err) = try run(["bench", "--case", "sgemm"], environment: ["DCGANLAB_CONVOLUTION": "winnograd"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(err.contains("DCGANLAB_CONVOLUTION=winnograd is not a choice: use one of winograd, unfold"), err)
    }

    func testBadFilesFailWithTheirPath() throws {
        let dir = SharedData.temporaryDirectory("cli")
        let bogus = dir.appendingPathComponent("bogus.safetensors")
        try Data("not a tensor file".utf8).write(to: bogus)
        try Data(#"{"variant": "baseline", "image_size": 28, "nz": 8, "ngf": 4, "ndf": 4}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let (status, _, err) = try run(["sample", "--checkpoint", bogus.path, "--out", dir.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(err.contains(bogus.path), err)

        let (fidStatus, _, fidErr) = try run(["fid", dir.appendingPathComponent("none").path, dir.path])
        XCTAssertEqual(fidStatus, 1)
        XCTAssertTrue(fidErr.contains("holds no .png images"), fidErr)
    }

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        var binary: URL?
        for config in ["debug", "release"] {
            let url = SharedData.repositoryRoot.appendingPathComponent(".build/\(config)/dcgan-lab")
            if FileManager.default.isExecutableFile(atPath: url.path) { binary = url; break }
        }
        guard let binary else { throw XCTSkip("dcgan-lab is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
