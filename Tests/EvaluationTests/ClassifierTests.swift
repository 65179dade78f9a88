import Datasets
import Formats
import Foundation
import NeuralNet
import Tensor
import TestSupport
import XCTest

@testable import Evaluation

/// The Fashion-MNIST classifier: the shipped weights' accuracy on the real test split (when
/// installed), feature shapes and determinism, 64 -> 28 resampling, weight-file errors and
/// reproducible training.
final class ClassifierTests: XCTestCase {
    /// The test split, or a skip when Fashion-MNIST is not installed.
    private func testSplit() throws -> LabelledImages {
        guard let location = DataLocator.look(in: DataLocator.systemDirectory, source: .system)
        else {
            throw XCTSkip("Fashion-MNIST is not installed in \(DataLocator.systemDirectory.path)")
        }
        return try LabelledImages.load(.test, from: location, checksums: .require)
    }

    /// Deterministic images in [-1, 1]: a smooth pattern that differs per image.
    private func patterns(count: Int, side: Int) -> [Float] {
        (0..<(count * side * side)).map { i in
            let image = i / (side * side), y = (i / side) % side, x = i % side
            return Float(sin(Double(x * (image + 1)) * 0.3 + Double(y) * 0.2))
        }
    }

    /// A network with seeded random weights (no file needed).
    private func randomNetwork(seed: UInt64 = 7) -> FashionCNN {
        let network = FashionCNN(dropoutSource: RandomSource(RandomStream(seed: seed)))
        var stream = RandomStream(seed: seed, purpose: "init")
        Initialization.pytorchDefault.apply(to: network, stream: &stream)
        return network
    }

    func testBundledWeightsClassifyTheTestSplit() throws {
        let test = try testSplit()
        // The first 2,000 images keep the test fast (the whole split takes ~10-50 s on two
        // shared cores); `dcgan-lab classifier evaluate` scores all 10,000.
        let classifier = try FashionClassifier.bundled()
        let start = Date()
        let accuracy = try classifier.accuracy(on: test, limit: 2_000)
        print(String(format: "bundled fmnist-cnn: %.2f%% on the first 2,000 test images in %.1f s",
                     accuracy.overall * 100, Date().timeIntervalSince(start)))

        XCTAssertEqual(accuracy.totals.reduce(0, +), 2_000)
        XCTAssertGreaterThanOrEqual(accuracy.overall, 0.93, "test accuracy below the 93% bar")
    }

    func testSixtyFourPixelImagesAreDownsampledWithoutLosingAccuracy() throws {
        // Generators are trained on Pillow-bilinear 64x64 upscales; the classifier must
        // score those as well as the originals after its area-averaging downsample.
        let test = try testSplit()
        let images = try TrainingImages(test, subset: .first(2_000), side: 64)
        let classifier = try FashionClassifier.bundled()
        let predicted = classifier.predictions(
            images: images.normalizedPixels(), count: images.count, side: 64)
        let accuracy = ClassifierAccuracy(predictions: predicted, labels: images.labels)
        print(String(format: "64x64 -> 28x28: %.2f%% on 2,000 test images",
                     accuracy.overall * 100))

        XCTAssertGreaterThanOrEqual(
            accuracy.overall, 0.90, "accuracy on resized images below 90%")
    }

    func testFeaturesHaveOneRowPerImageAndAreDeterministic() {
        let classifier = FashionClassifier(network: randomNetwork(), batchSize: 3)
        let images = patterns(count: 7, side: 28)

        let first = classifier.outputs(images: images, count: 7, side: 28)
        let second = classifier.outputs(images: images, count: 7, side: 28)
        XCTAssertEqual(first.features.count, 7 * 128)
        XCTAssertEqual(first.probabilities.count, 7 * 10)
        XCTAssertEqual(first.features, second.features, "features differ between two calls")
        XCTAssertTrue(first.features.allSatisfy { $0 >= 0 }, "features come after a ReLU")
        XCTAssertTrue(first.features.contains { $0 > 0 }, "all features are zero")
        for row in 0..<7 {
            let total = first.probabilities[(row * 10)..<(row * 10 + 10)].reduce(0, +)
            XCTAssertEqual(
                total, 1, accuracy: 1e-5, "probabilities of image \(row) sum to \(total)")
        }

        // Batching only splits the work: one batch of 7 equals batches of 3, 3 and 1 up to
        // BLAS summation order (tolerance 1e-5 absolute on activations of order 1).
        let whole = FashionClassifier(network: classifier.network, batchSize: 256)
            .features(images: images, count: 7, side: 28)
        // max() passes over NaN, so non-finite features are counted on their own.
        XCTAssertEqual(whole.filter { !$0.isFinite }.count, 0, "non-finite features")
        let largest = zip(whole, first.features).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(largest, 1e-5, "batch size changes features by \(largest)")
        XCTAssertEqual(
            classifier.features(images: patterns(count: 2, side: 64), count: 2, side: 64).count,
            2 * 128)
    }

    func testAreaResizeAveragesBlocksAndKeepsConstants() {
        // 56 -> 28 is an exact 2x2 mean; a constant image stays constant at any scale.
        var scratch = [Float](repeating: 0, count: 64 * 28)
        let source = patterns(count: 1, side: 56)
        var target = [Float](repeating: 0, count: 28 * 28)
        AreaResize(from: 56, to: 28).resize(source, into: &target, scratch: &scratch)
        for y in 0..<28 {
            for x in 0..<28 {
                let top = 2 * y * 56 + 2 * x, bottom = top + 56
                let block = [source[top], source[top + 1], source[bottom], source[bottom + 1]]
                let expected = block.reduce(0, +) / 4
                let found = target[y * 28 + x]
                XCTAssertEqual(found, expected, accuracy: 1e-6,
                               "pixel (\(y), \(x)): expected \(expected), got \(found)")
            }
        }

        let constant = [Float](repeating: 0.25, count: 64 * 64)
        AreaResize(from: 64, to: 28).resize(constant, into: &target, scratch: &scratch)
        XCTAssertEqual(target.filter { !$0.isFinite }.count, 0, "non-finite pixels")
        let largest = target.map { abs($0 - 0.25) }.max()!
        XCTAssertLessThan(
            largest, 1e-6, "a constant image changed by \(largest) (tolerance 1e-6)")
    }

    func testWeightFilesThatDoNotFitGiveErrorsNamingTheProblem() throws {
        let directory = SharedData.temporaryDirectory("classifier-weights")
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = randomNetwork().stateDict()
        func attempt(_ name: String, _ tensors: [String: StoredTensor]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try SafeTensors.write(tensors, to: url)
            XCTAssertThrowsError(try FashionClassifier(weights: url)) { error in
                XCTAssertTrue(error is ClassifierWeightsError, "untyped error \(error)")
            }
            do { _ = try FashionClassifier(weights: url) } catch { return "\(error)" }
            return ""
        }

        var missing = state
        missing["classifier.bias"] = nil
        XCTAssertTrue(try attempt("missing.safetensors", missing).contains("'classifier.bias'"))

        var extra = state
        extra["fc.weight"] = StoredTensor(shape: [1], floats: [0])
        XCTAssertTrue(
            try attempt("extra.safetensors", extra).contains("unexpected tensor 'fc.weight'"))

        var reshaped = state
        reshaped["classifier.weight"] = StoredTensor(
            shape: [10, 64], floats: .init(repeating: 0, count: 640))
        let shapeMessage = try attempt("reshaped.safetensors", reshaped)
        XCTAssertTrue(
            shapeMessage.contains("[10, 64]") && shapeMessage.contains("[10, 128]"), shapeMessage)

        let garbage = directory.appendingPathComponent("garbage.safetensors")
        try Data("not a tensor file".utf8).write(to: garbage)
        XCTAssertThrowsError(try FashionClassifier(weights: garbage)) { error in
            guard case .unreadable(let path, _) = error as? ClassifierWeightsError else {
                return XCTFail("expected unreadable, got \(error)")
            }
            XCTAssertEqual(path, garbage.path)
        }
    }

    func testSavedWeightsReloadToTheSameOutputs() throws {
        let network = randomNetwork()
        let url = SharedData.temporaryDirectory("classifier-roundtrip")
            .appendingPathComponent("w.safetensors")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try SafeTensors.write(network.stateDict(), to: url)

        let images = patterns(count: 4, side: 28)
        let expected = FashionClassifier(network: network)
            .probabilities(images: images, count: 4, side: 28)
        let reloaded = try FashionClassifier(weights: url)
            .probabilities(images: images, count: 4, side: 28)
        XCTAssertEqual(reloaded, expected, "reloaded weights give other probabilities")
    }

    func testTrainingIsReproducibleBySeed() throws {
        // Ten classes told apart by the row of a bright bar, plus seeded noise.
        func split(_ split: FashionMNIST.Split, perClass: Int, seed: UInt64) -> LabelledImages {
            var random = RandomStream(seed: seed, purpose: "synthetic")
            var pixels: [UInt8] = [], labels: [UInt8] = []
            for i in 0..<(perClass * 10) {
                let label = i % 10
                labels.append(UInt8(label))
                for y in 0..<28 {
                    for _ in 0..<28 {
                        let bar = y / 2 == label + 2 ? 200 : 0
                        pixels.append(UInt8(bar + Int(random.nextUniform() * 50)))
                    }
                }
            }
            return LabelledImages(split: split, pixels: pixels, labels: labels)
        }
        let train = split(.train, perClass: 10, seed: 1), test = split(.test, perClass: 2, seed: 2)
        var config = ClassifierTrainingConfig()
        config.epochs = 1
        config.batchSize = 25
        config.warmupSteps = 1

        func run(seed: UInt64) throws -> ([String: StoredTensor], ClassifierTrainingReport) {
            config.seed = seed
            let trainer = try ClassifierTrainer(config: config, train: train, test: test)
            let report = try trainer.run { _ in }
            return (trainer.network.stateDict(), report)
        }
        let (weights, report) = try run(seed: 3)
        let (again, _) = try run(seed: 3)
        let (other, _) = try run(seed: 4)

        XCTAssertEqual(weights, again, "the same seed gave different weights")
        XCTAssertNotEqual(weights, other, "different seeds gave the same weights")
        XCTAssertEqual(report.epochTestAccuracy, [report.testAccuracy])
        XCTAssertEqual(report.perClassAccuracy.count, 10)
        XCTAssertEqual(report.trainImages, 100)
    }

    func testTrainingCanStartFromSavedWeights() throws {
        let directory = SharedData.temporaryDirectory("classifier-init")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("start.safetensors")
        let saved = randomNetwork(seed: 11).stateDict()
        try SafeTensors.write(saved, to: url)
        let empty = LabelledImages(
            split: .test, pixels: [UInt8](repeating: 0, count: 784), labels: [0])
        var config = ClassifierTrainingConfig()
        config.initialWeights = url.path

        let trainer = try ClassifierTrainer(config: config, train: empty, test: empty)
        XCTAssertEqual(trainer.network.stateDict(), saved, "initial weights were not loaded")

        config.initialWeights = directory.appendingPathComponent("absent.safetensors").path
        XCTAssertThrowsError(try ClassifierTrainer(config: config, train: empty, test: empty)) {
            XCTAssertTrue($0 is ClassifierWeightsError, "untyped error \($0)")
        }
    }

    func testLearningRateWarmsUpThenDecaysToZero() throws {
        var config = ClassifierTrainingConfig()
        config.warmupSteps = 10
        let empty = LabelledImages(
            split: .test, pixels: [UInt8](repeating: 0, count: 784), labels: [0])
        let trainer = try ClassifierTrainer(config: config, train: empty, test: empty)
        let peak = config.learningRate

        XCTAssertEqual(trainer.learningRate(at: 0, of: 100), peak / 10, accuracy: 1e-7)
        XCTAssertEqual(trainer.learningRate(at: 9, of: 100), peak, accuracy: 1e-7)
        XCTAssertEqual(trainer.learningRate(at: 55, of: 100), peak / 2, accuracy: 1e-6)
        XCTAssertLessThan(trainer.learningRate(at: 99, of: 100), peak * 1e-3)
    }
}
