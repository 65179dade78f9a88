import Formats
import Foundation
import GAN
import TestSupport
import XCTest

/// A run killed with SIGKILL mid-epoch and resumed must end bit-identical to the same run
/// left alone. Drives the real `dcgan-lab` binary on a small slice of Fashion-MNIST.
final class ResumeTests: XCTestCase {
    let arguments = ["train", "--variant", "dropout", "--image-size", "28", "--subset", "192",
                     "--batch-size", "16", "--nz", "8", "--ngf", "4", "--ndf", "4", "--epochs", "4",
                     "--seed", "7", "--threads", "1", "--quiet"]

    func testKilledRunResumesBitIdentical() throws {
        let binary = try dcganLab()
        let root = SharedData.temporaryDirectory("resume")
        let alone = root.appendingPathComponent("alone"), killed = root.appendingPathComponent("killed")

        XCTAssertEqual(try run(binary, arguments + ["--out", alone.path]).terminationStatus, 0)

        // Kill once epoch 2's checkpoint exists and the run is inside epoch 3.
        let process = try start(binary, arguments + ["--out", killed.path])
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            let rows = (try? TrainingHistory.read(killed.appendingPathComponent("history.csv")))?.count ?? 0
            if FileManager.default.fileExists(atPath: killed.appendingPathComponent("checkpoints/epoch-002.safetensors").path),
               rows > 24 { break }
            usleep(2000)
        }
        XCTAssertTrue(process.isRunning, "the run finished before it could be killed; make it longer")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertFalse(FileManager.default.fileExists(atPath: killed.appendingPathComponent("generator.safetensors").path))

        XCTAssertEqual(try run(binary, arguments + ["--out", killed.path, "--resume"]).terminationStatus, 0)

        let a = try Data(contentsOf: alone.appendingPathComponent("generator.safetensors"))
        let b = try Data(contentsOf: killed.appendingPathComponent("generator.safetensors"))
        XCTAssertEqual(a, b, "final generator differs between the resumed and the uninterrupted run")
        let ha = try TrainingHistory.read(alone.appendingPathComponent("history.csv"))
        let hb = try TrainingHistory.read(killed.appendingPathComponent("history.csv"))
        XCTAssertEqual(ha.count, hb.count)
        XCTAssertEqual(ha.map(\.lossG), hb.map(\.lossG), "logged G losses differ")
        XCTAssertEqual(ha.map(\.lossD), hb.map(\.lossD), "logged D losses differ")
    }

    func testExistingRunIsNotOverwrittenWithoutResume() throws {
        let binary = try dcganLab()
        let out = SharedData.temporaryDirectory("no-overwrite")
        let short = arguments.map { $0 == "4" ? "1" : $0 } + ["--out", out.path]
        XCTAssertEqual(try run(binary, short).terminationStatus, 0)
        let second = try run(binary, short)
        XCTAssertNotEqual(second.terminationStatus, 0, "a second run into the same directory must be refused")
    }

    private func dcganLab() throws -> URL {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")
                          || ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] != nil,
                          "Fashion-MNIST is not installed")
        for config in ["debug", "release"] {
            let url = SharedData.repositoryRoot.appendingPathComponent(".build/\(config)/dcgan-lab")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw XCTSkip("dcgan-lab is not built; run `swift build` first")
    }

    private func start(_ binary: URL, _ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    private func run(_ binary: URL, _ args: [String]) throws -> Process {
        let p = try start(binary, args)
        p.waitUntilExit()
        return p
    }
}
