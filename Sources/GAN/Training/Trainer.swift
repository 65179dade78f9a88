import Datasets
import Foundation
import Formats
import NeuralNet
import Tensor

/// What the trainer reports while it runs, for progress bars and logs.
public enum TrainingEvent {
    case resumed(epoch: Int, iteration: Int)
    case epochStarted(epoch: Int, batches: Int)
    case iteration(epoch: Int, batch: Int, batches: Int, record: StepRecord)
    case epochFinished(epoch: Int, seconds: Double)
}

/// Trains one run: the reference iteration over shuffled batches, a sample grid from fixed
/// noise and an atomic checkpoint after every epoch, and the final generator.
///
/// Every random draw comes from a stream split off the run's seed (initialisation, data
/// order, latent noise, fixed noise, dropout), so a run is reproducible for a given thread
/// count, and a run killed at any moment and resumed ends bit-identical to one left alone.
public final class Trainer {
    public let config: TrainingConfig
    public let directory: RunDirectory
    let images: TrainingImages
    let pair: AdversarialPair
    let sampler: BatchSampler
    let fixedNoise: Tensor
    var state: TrainingState
    var status: RunStatus

    /// Prepares a run in `directory`. With `resume`, continues from its newest readable
    /// checkpoint; without, refuses a directory that already holds a run's checkpoints.
    public init(config: TrainingConfig, images: TrainingImages, directory: URL, resume: Bool) throws {
        try config.validate()
        guard images.side == config.imageSize else {
            throw ConfigError("images are \(images.side)x\(images.side) but image_size is \(config.imageSize)")
        }
        self.config = config
        self.images = images
        self.directory = RunDirectory(directory)
        let seed = config.seed
        pair = AdversarialPair(
            spec: config.modelSpec, procedure: config.variantPreset.procedure,
            learningRate: Float(config.learningRate), betas: (Float(config.beta1), Float(config.beta2)),
            dropoutStream: RandomStream(seed: seed, purpose: "dropout"),
            decayBatchNorm: config.batchNormWeightDecay)
        sampler = BatchSampler(count: images.count, batchSize: config.batchSize, dropLast: config.dropLast)
        var fixed = RandomStream(seed: seed, purpose: "fixed-noise")
        fixedNoise = Sampler.noise(count: 64, nz: config.nz, stream: &fixed)
        state = TrainingState(epoch: 0, iteration: 0, dataStream: RandomStream(seed: seed, purpose: "data-order"),
                              noiseStream: RandomStream(seed: seed, purpose: "noise"))
        status = RunStatus(state: .running, epochsCompleted: 0, iterations: 0, message: "",
                           trainingSeconds: 0, threads: Engine.threads,
                           convolutions: ConvolutionKernels.algorithm.rawValue)
        try prepareDirectory(resume: resume)
    }

    /// The generator being trained.
    public var generator: Generator { pair.generator }

    private func prepareDirectory(resume: Bool) throws {
        let existing = directory.checkpointEpochs()
        if !existing.isEmpty && !resume {
            throw ConfigError("\(directory.url.path) already holds a run (checkpoints up to epoch \(existing.last!)); "
                              + "pass --resume to continue it or choose another --out")
        }
        if resume, let saved = try? TrainingConfig.load(directory.config) {
            var comparable = saved
            comparable.epochs = config.epochs
            comparable.keepCheckpoints = config.keepCheckpoints
            guard comparable == config else {
                throw ConfigError("\(directory.config.path) differs from the requested configuration "
                                  + "(only epochs and keep_checkpoints may change on resume)")
            }
        }
        try FileManager.default.createDirectory(at: directory.samples, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.checkpoints, withIntermediateDirectories: true)
        try AtomicFile.write(config.encoded(), to: directory.config)

        var initStream = RandomStream(seed: config.seed, purpose: "init")
        pair.initialize(stream: &initStream)
        // Newest checkpoint that reads whole; a torn one (should not happen: writes are
        // atomic) or one from another model is reported rather than silently skipped.
        if resume, let epoch = existing.last {
            state = try Checkpoint.read(directory.checkpoint(epoch: epoch), into: pair)
            status = directory.readStatus() ?? status
            status.threads = Engine.threads
            status.convolutions = ConvolutionKernels.algorithm.rawValue
            try TrainingHistory.truncate(directory.history, toIteration: state.iteration)
        } else {
            try? FileManager.default.removeItem(at: directory.history)
        }
    }

    /// Trains until `config.epochs` or divergence; returns the final status.
    @discardableResult
    public func run(_ observe: (TrainingEvent) -> Void = { _ in }) throws -> RunStatus {
        if state.epoch > 0 { observe(.resumed(epoch: state.epoch, iteration: state.iteration)) }
        if status.state == .diverged { return status }
        try writeRealSamples()
        let history = try TrainingHistory.appender(directory.history)
        defer { try? history.close() }
        let batchBuffer = Tensor(uninitialized: [config.batchSize, 1, config.imageSize, config.imageSize])

        while state.epoch < config.epochs {
            let epoch = state.epoch + 1
            let started = Date()
            let batches = sampler.epoch(using: &state.dataStream)
            observe(.epochStarted(epoch: epoch, batches: batches.count))
            var lines = ""
            for (b, indices) in batches.enumerated() {
                let real = indices.count == config.batchSize
                    ? batchBuffer : Tensor(uninitialized: [indices.count, 1, config.imageSize, config.imageSize])
                images.copyBatch(indices, into: real.data)
                let noise = Sampler.noise(count: indices.count, nz: config.nz, stream: &state.noiseStream)
                let record = GEMM.withPrecision(config.precision) { pair.step(real: real, noise: noise) }
                state.iteration += 1
                lines += HistoryRow(
                    iteration: state.iteration, epoch: epoch, lossD: record.lossD, lossG: record.lossG,
                    dOfX: record.dOfX, dOfGzBefore: record.dOfGzBefore, dOfGzAfter: record.dOfGzAfter,
                    seconds: status.trainingSeconds + Date().timeIntervalSince(started)).csv + "\n"
                observe(.iteration(epoch: epoch, batch: b + 1, batches: batches.count, record: record))
                if !record.isFinite {
                    history.write(Data(lines.utf8))
                    return try stop(diverged: "loss D = \(record.lossD), loss G = \(record.lossG) "
                                    + "at iteration \(state.iteration) (epoch \(epoch), batch \(b + 1))")
                }
            }
            history.write(Data(lines.utf8))
            guard pair.weightsAreFinite else {
                return try stop(diverged: "a weight became non-finite during epoch \(epoch)")
            }
            try finishEpoch(epoch, seconds: Date().timeIntervalSince(started))
            observe(.epochFinished(epoch: epoch, seconds: Date().timeIntervalSince(started)))
        }
        status.state = .completed
        try directory.writeStatus(status)
        try SafeTensors.write(pair.generator.stateDict(), metadata: ["format": "pytorch-state-dict"],
                              to: directory.finalGenerator)
        return status
    }

    private func finishEpoch(_ epoch: Int, seconds: Double) throws {
        state.epoch = epoch
        try Sampler.writeGrid(Sampler.generate(pair.generator, noise: fixedNoise), to: directory.sampleGrid(epoch: epoch))
        try Checkpoint.write(pair, state, to: directory.checkpoint(epoch: epoch))
        if config.keepCheckpoints > 0 {
            for old in directory.checkpointEpochs().dropLast(config.keepCheckpoints) {
                try? FileManager.default.removeItem(at: directory.checkpoint(epoch: old))
            }
        }
        status.epochsCompleted = epoch
        status.iterations = state.iteration
        status.trainingSeconds += seconds
        try directory.writeStatus(status)
    }

    private func stop(diverged message: String) throws -> RunStatus {
        status.state = .diverged
        status.message = message
        status.iterations = state.iteration
        try directory.writeStatus(status)
        return status
    }

    private func writeRealSamples() throws {
        let count = min(64, images.count)
        let real = Tensor(uninitialized: [count, 1, config.imageSize, config.imageSize])
        images.copyBatch(0..<count, into: real.data)
        try Sampler.writeGrid(real, to: directory.realSamples)
    }
}
