import Datasets
import Foundation
import NeuralNet
import Tensor

/// Settings of one classifier training run; saved next to the weights.
public struct ClassifierTrainingConfig: Codable, Equatable, Sendable {
    /// Passes over the training split.
    public var epochs = 5
    /// Images per step.
    public var batchSize = 128
    /// Peak SGD learning rate: reached by linear warmup, then decayed to 0 along a cosine.
    public var learningRate: Float = 0.05
    /// SGD momentum.
    public var momentum: Float = 0.9
    /// L2 penalty on every parameter, added to the gradient (PyTorch SGD's weight_decay).
    public var weightDecay: Float = 5e-4
    /// Steps of linear warmup from 0 to the peak learning rate.
    public var warmupSteps = 200
    /// Whether each training image is mirrored left-right with probability 1/2.
    public var horizontalFlip = true
    /// Seed of the weights, data order, dropout and augmentation streams.
    public var seed: UInt64 = 1
    /// Weights to start from (the schedule then restarts on them, as in SGDR) instead of
    /// drawing them from the seed; nil for a fresh network.
    public var initialWeights: String?

    /// The defaults: the first of the three stages that trained the shipped weights.
    public init() {}
}

/// What happens during training, for progress display.
public enum ClassifierTrainingEvent {
    /// An epoch (1-based) of `batches` steps begins.
    case epochStarted(epoch: Int, batches: Int)
    /// A step finished: its batch (1-based), mean cross-entropy and learning rate.
    case iteration(epoch: Int, batch: Int, loss: Float, learningRate: Float)
    /// An epoch finished, with the test-split accuracy after it and its duration.
    case epochFinished(epoch: Int, testAccuracy: Double, seconds: Double)
}

/// The record of a finished run, written as JSON next to the weights.
public struct ClassifierTrainingReport: Codable, Equatable, Sendable {
    /// The extractor name the weights serve.
    public var network: String
    /// The settings trained with.
    public var config: ClassifierTrainingConfig
    /// Engine threads (results are bit-reproducible per seed and thread count).
    public var threads: Int
    /// Images in the training split.
    public var trainImages: Int
    /// Images in the test split.
    public var testImages: Int
    /// Test-split accuracy after each epoch.
    public var epochTestAccuracy: [Double]
    /// Test-split accuracy of the final weights.
    public var testAccuracy: Double
    /// Final test-split accuracy of each class, by class name.
    public var perClassAccuracy: [String: Double]
    /// Wall-clock seconds of training and per-epoch evaluation.
    public var trainingSeconds: Double
}

/// Trains `FashionCNN` with SGD on the training split, scoring the test split each epoch.
public final class ClassifierTrainer {
    /// The run's settings.
    public let config: ClassifierTrainingConfig
    /// The network being trained.
    public let network: FashionCNN
    private let train: TrainingImages
    private let test: LabelledImages
    private let optimizer: SGD
    private var dataOrder: RandomStream
    private var augmentation: RandomStream

    /// Draws the initial weights (PyTorch's default initialisation) from `config.seed`.
    public init(config: ClassifierTrainingConfig, train: LabelledImages, test: LabelledImages)
        throws
    {
        self.config = config
        self.train = try TrainingImages(train, side: FashionCNN.inputSide)
        self.test = test
        let dropout = RandomSource(RandomStream(seed: config.seed, purpose: "dropout"))
        network = FashionCNN(dropoutSource: dropout)
        var initStream = RandomStream(seed: config.seed, purpose: "init")
        Initialization.pytorchDefault.apply(to: network, stream: &initStream)
        if let path = config.initialWeights {
            try FashionClassifier.load(
                FashionClassifier.readWeights(URL(fileURLWithPath: path)), into: network,
                path: path)
        }
        // The optimiser's learning rate is fixed at construction, so the schedule scales the
        // gradients instead (see `step`); decay is added there too, to be scaled with them.
        optimizer = SGD(
            [ParameterGroup(network.parameters, learningRate: config.learningRate)],
            momentum: config.momentum)
        dataOrder = RandomStream(seed: config.seed, purpose: "data-order")
        augmentation = RandomStream(seed: config.seed, purpose: "augmentation")
    }

    /// Runs every epoch and returns the final accuracies.
    public func run(_ observe: (ClassifierTrainingEvent) -> Void) throws
        -> ClassifierTrainingReport
    {
        let start = Date()
        let sampler = BatchSampler(count: train.count, batchSize: config.batchSize)
        let totalSteps = config.epochs * sampler.batchesPerEpoch
        var step = 0
        var epochAccuracy: [Double] = []
        var final: ClassifierAccuracy?

        for epoch in 1...config.epochs {
            let epochStart = Date()
            let batches = sampler.epoch(using: &dataOrder)
            observe(.epochStarted(epoch: epoch, batches: batches.count))
            network.setTraining(true)
            for (b, batch) in batches.enumerated() {
                let rate = learningRate(at: step, of: totalSteps)
                let loss = self.step(Array(batch), learningRate: rate)
                step += 1
                observe(.iteration(epoch: epoch, batch: b + 1, loss: loss, learningRate: rate))
            }
            let accuracy = try FashionClassifier(network: network).accuracy(on: test)
            final = accuracy
            epochAccuracy.append(accuracy.overall)
            observe(.epochFinished(
                epoch: epoch, testAccuracy: accuracy.overall,
                seconds: Date().timeIntervalSince(epochStart)))
        }

        let perClass = final!.perClass
        return ClassifierTrainingReport(
            network: "fmnist-cnn", config: config, threads: Engine.threads,
            trainImages: train.count, testImages: test.count,
            epochTestAccuracy: epochAccuracy, testAccuracy: final!.overall,
            perClassAccuracy: Dictionary(
                uniqueKeysWithValues: zip(FashionMNIST.classNames, perClass)),
            trainingSeconds: Date().timeIntervalSince(start))
    }

    /// Linear warmup to the peak, then a half cosine down to 0 at the last step.
    func learningRate(at step: Int, of total: Int) -> Float {
        let warmup = min(config.warmupSteps, total / 2)
        if step < warmup { return config.learningRate * Float(step + 1) / Float(warmup) }
        let progress = Double(step - warmup) / Double(max(total - warmup, 1))
        return config.learningRate * Float(0.5 * (1 + cos(Double.pi * progress)))
    }

    /// One SGD step on the images at `indices`; returns the batch's mean cross-entropy.
    private func step(_ indices: [Int], learningRate: Float) -> Float {
        let side = FashionCNN.inputSide
        let input = Tensor(uninitialized: [indices.count, 1, side, side])
        train.copyBatch(indices, into: input.data)
        if config.horizontalFlip {
            for i in 0..<indices.count where augmentation.nextUniform() < 0.5 {
                mirror(input.data + i * side * side, side: side)
            }
        }

        optimizer.zeroGrad()
        let loss = network(Variable(input)).crossEntropy(
            labels: indices.map { Int(train.labels[$0]) })
        loss.backward()

        // g ← (η_t / η)(g + λθ): with a fixed optimiser rate η this steps by η_t. Momentum
        // then accumulates already-scaled gradients (Sutskever's form, not PyTorch's).
        let scale = learningRate / config.learningRate
        for p in network.parameters {
            guard let g = p.grad else { continue }
            for i in 0..<g.count {
                g.data[i] = scale * (g.data[i] + config.weightDecay * p.value.data[i])
            }
        }
        optimizer.step()
        return loss.scalar
    }

    /// Reverses each row of one image in place.
    private func mirror(_ image: UnsafeMutablePointer<Float>, side: Int) {
        for row in 0..<side {
            let start = image + row * side
            for x in 0..<(side / 2) { swap(&start[x], &start[side - 1 - x]) }
        }
    }
}
