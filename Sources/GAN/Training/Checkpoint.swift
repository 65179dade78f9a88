import Foundation
import Formats
import NeuralNet
import Tensor

/// Where training stands after an epoch: weights, optimiser moments, random streams and
/// counters. Restoring it and training on gives the same numbers as never stopping.
public struct TrainingState {
    public var epoch: Int
    public var iteration: Int
    public var dataStream: RandomStream
    public var noiseStream: RandomStream
}

/// Checkpoint files: one safetensors file holding `G.*`, `D.*` (PyTorch state-dict names),
/// `optG.*`, `optD.*` and `rng.*`, with counters in the metadata.
public enum Checkpoint {
    /// Writes the pair and the state atomically.
    public static func write(_ pair: AdversarialPair, _ state: TrainingState, to url: URL) throws {
        var tensors = pair.generator.stateDict(prefix: "G.")
        tensors.merge(pair.discriminator.stateDict(prefix: "D.")) { a, _ in a }
        tensors.merge(pair.optimizerG.stateDict(prefix: "optG.")) { a, _ in a }
        tensors.merge(pair.optimizerD.stateDict(prefix: "optD.")) { a, _ in a }
        tensors["rng.data"] = words(state.dataStream)
        tensors["rng.noise"] = words(state.noiseStream)
        tensors["rng.dropout"] = words(pair.dropoutSource.stream)
        let metadata = ["epoch": String(state.epoch), "iteration": String(state.iteration), "format": "dcganlab-checkpoint-1"]
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Loads a checkpoint into `pair` and returns its state; errors name the file.
    public static func read(_ url: URL, into pair: AdversarialPair) throws -> TrainingState {
        let (tensors, metadata) = try SafeTensors.read(url)
        guard let epoch = metadata["epoch"].flatMap(Int.init), let iteration = metadata["iteration"].flatMap(Int.init) else {
            throw FileFormatError(path: url.path, problem: "is not a DCGANLab checkpoint (no epoch/iteration metadata)")
        }
        do {
            try pair.generator.loadStateDict(tensors, prefix: "G.")
            try pair.discriminator.loadStateDict(tensors, prefix: "D.")
            try pair.optimizerG.loadStateDict(tensors, prefix: "optG.")
            try pair.optimizerD.loadStateDict(tensors, prefix: "optD.")
            pair.dropoutSource.stream = try stream(tensors, "rng.dropout")
            return TrainingState(epoch: epoch, iteration: iteration,
                                 dataStream: try stream(tensors, "rng.data"), noiseStream: try stream(tensors, "rng.noise"))
        } catch let error as StateDictError {
            throw FileFormatError(path: url.path, problem: "does not fit this run's model: \(error.description)",
                                  hint: "Resume with the configuration the run was started with")
        }
    }

    /// Loads only the generator from a checkpoint or a `generator.safetensors` file
    /// (keys with or without the `G.` prefix).
    public static func loadGenerator(_ url: URL, into generator: Generator) throws {
        let (tensors, _) = try SafeTensors.read(url)
        let prefix = tensors.keys.contains { $0.hasPrefix("G.") } ? "G." : ""
        do {
            try generator.loadStateDict(tensors, prefix: prefix)
        } catch let error as StateDictError {
            throw FileFormatError(path: url.path, problem: "does not fit the generator: \(error.description)",
                                  hint: "Check --image-size, --nz and --ngf match the run that wrote it")
        }
    }

    private static func words(_ stream: RandomStream) -> StoredTensor {
        StoredTensor(shape: [4], int64s: stream.stateWords.map { Int64(bitPattern: $0) })
    }

    private static func stream(_ tensors: [String: StoredTensor], _ key: String) throws -> RandomStream {
        guard let t = tensors[key], t.dtype == .i64, t.count == 4 else {
            throw StateDictError("missing or malformed '\(key)'")
        }
        let words = t.bytes.withUnsafeBytes { raw in
            (0..<4).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        return RandomStream(state: words)
    }
}
