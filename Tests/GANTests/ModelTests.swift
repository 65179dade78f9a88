import Datasets
import Foundation
import GAN
import NeuralNet
import Tensor
import XCTest

final class ModelTests: XCTestCase {
    /// State-dict keys follow the reference project's `nn.Sequential` numbering, so files
    /// load into its PyTorch classes as they are.
    func testReferenceDropoutKeysMatchPyTorchNumbering() {
        var config = TrainingConfig()
        config.variant = "reference-dropout"
        let source = RandomSource(RandomStream(seed: 1))
        let d = Discriminator(config.modelSpec, dropoutSource: source)
        let keys = Set(d.stateDict().keys)
        // conv, lrelu, dropout, conv, bn, lrelu, dropout, conv, bn, lrelu, conv, bn, lrelu, conv, sigmoid
        for key in ["net.0.weight", "net.3.weight", "net.4.running_mean", "net.7.weight", "net.8.num_batches_tracked",
                    "net.10.weight", "net.11.bias", "net.13.weight"] {
            XCTAssertTrue(keys.contains(key), "missing \(key) in \(keys.sorted())")
        }
        let g = Generator(config.modelSpec, dropoutSource: source)
        XCTAssertEqual(g.stateDict()["net.0.weight"]?.shape, [100, 256, 4, 4])
        XCTAssertEqual(g.stateDict()["net.12.weight"]?.shape, [32, 1, 4, 4])
    }

    func testShapesAt28And64() {
        for size in [28, 64] {
            var config = TrainingConfig()
            config.imageSize = size
            config.variant = "batchnorm"
            let source = RandomSource(RandomStream(seed: 1))
            let g = Generator(config.modelSpec, dropoutSource: source)
            let d = Discriminator(config.modelSpec, dropoutSource: source)
            var stream = RandomStream(seed: 2)
            let z = Sampler.noise(count: 3, nz: config.nz, stream: &stream)
            let images = g(Variable(z))
            XCTAssertEqual(images.shape, [3, 1, size, size])
            XCTAssertEqual(d.logits(images).shape, [3])
        }
    }

    /// A non-finite weight ends the run as diverged, with the iteration recorded, and no crash.
    func testDivergenceIsRecorded() throws {
        var config = TrainingConfig()
        config.imageSize = 28
        config.nz = 4
        config.ngf = 2
        config.ndf = 2
        config.batchSize = 4
        config.epochs = 2
        let labelled = SyntheticImages.labelled(count: 8)
        let images = try TrainingImages(labelled, side: 28)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("diverge-\(UUID().uuidString)")
        let trainer = try Trainer(config: config, images: images, directory: out, resume: false)
        trainer.generator.parameters[0].value.data[0] = .nan
        let status = try trainer.run()
        XCTAssertEqual(status.state, .diverged)
        XCTAssertTrue(status.message.contains("iteration 1"), status.message)
        XCTAssertEqual(RunDirectory(out).readStatus()?.state, .diverged)
        XCTAssertEqual(RunDirectory(out).readStatus()?.convolutions, ConvolutionKernels.algorithm.rawValue)
    }
}
