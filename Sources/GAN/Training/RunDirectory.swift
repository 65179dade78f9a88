import Foundation
import Formats

/// The files of one training run, all under one directory:
/// `config.json`, `status.json`, `history.csv`, `real-samples.png`,
/// `samples/epoch-NNN.png`, `checkpoints/epoch-NNN.safetensors`, `generator.safetensors`.
public struct RunDirectory: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    public var config: URL { url.appendingPathComponent("config.json") }
    public var status: URL { url.appendingPathComponent("status.json") }
    public var history: URL { url.appendingPathComponent("history.csv") }
    public var realSamples: URL { url.appendingPathComponent("real-samples.png") }
    public var samples: URL { url.appendingPathComponent("samples") }
    public var checkpoints: URL { url.appendingPathComponent("checkpoints") }
    public var finalGenerator: URL { url.appendingPathComponent("generator.safetensors") }

    /// The sample grid of epoch `epoch` (1-based).
    public func sampleGrid(epoch: Int) -> URL {
        samples.appendingPathComponent(String(format: "epoch-%03d.png", epoch))
    }

    /// The checkpoint written after epoch `epoch` (1-based).
    public func checkpoint(epoch: Int) -> URL {
        checkpoints.appendingPathComponent(String(format: "epoch-%03d.safetensors", epoch))
    }

    /// Epochs with a checkpoint file, ascending.
    public func checkpointEpochs() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("epoch-"), name.hasSuffix(".safetensors") else { return nil }
            return Int(name.dropFirst(6).dropLast(12))
        }.sorted()
    }

    /// The run's recorded status, if it has one.
    public func readStatus() -> RunStatus? {
        guard let data = try? Data(contentsOf: status) else { return nil }
        return try? JSONDecoder().decode(RunStatus.self, from: data)
    }

    func writeStatus(_ value: RunStatus) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(value), to: status)
    }
}

/// Where a run stands: written at every epoch end and when it stops.
public struct RunStatus: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable { case running, completed, diverged }
    public var state: State
    public var epochsCompleted: Int
    public var iterations: Int
    /// Why a diverged run stopped (which value became non-finite, where).
    public var message: String
    /// Seconds spent training, summed over resumed sessions.
    public var trainingSeconds: Double
    /// Threads the run used (results are reproducible for a given count).
    public var threads: Int
    /// How the convolutions were computed (`winograd` or `unfold`, from DCGANLAB_CONVOLUTION):
    /// like the thread count, it decides the exact numbers. Absent from status files written
    /// before it was recorded.
    public var convolutions: String?
}
