import Datasets
import Foundation
import GAN
import NeuralNet
import Tensor
import XCTest

/// The bfloat16 mode: the first step of a seeded pair sees the same losses up to bfloat16
/// rounding, every later one stays finite and near, and float32 is untouched by it.
final class PrecisionTests: XCTestCase {
    private func records(_ precision: Precision, steps: Int) -> [StepRecord] {
        var config = TrainingConfig()
        config.variant = "batchnorm"
        config.imageSize = 28
        config.ngf = 16
        config.ndf = 16
        let pair = AdversarialPair(spec: config.modelSpec, learningRate: 0.0002, betas: (0.5, 0.999),
                                   dropoutStream: RandomStream(seed: 3))
        var weights = RandomStream(seed: 1)
        pair.initialize(stream: &weights)
        var data = RandomStream(seed: 2)
        return (0..<steps).map { _ in
            let real = Tensor(uninitialized: [32, 1, 28, 28])
            for i in 0..<real.count { real.data[i] = data.nextUniform() * 2 - 1 }
            let noise = Sampler.noise(count: 32, nz: config.nz, stream: &data)
            return GEMM.withPrecision(precision) { pair.step(real: real, noise: noise) }
        }
    }

    func testBFloat16StepsStayNearFloat32() {
        let float32 = records(.float32, steps: 4), bfloat16 = records(.bfloat16, steps: 4)
        XCTAssertEqual(records(.float32, steps: 4).map(\.lossD), float32.map(\.lossD),
                       "float32 must not change after a bfloat16 run")
        // bfloat16 keeps 8 significant bits: the first losses agree to a few parts in 1000.
        XCTAssertEqual(bfloat16[0].lossD, float32[0].lossD, accuracy: 0.01 * abs(float32[0].lossD))
        XCTAssertEqual(bfloat16[0].lossG, float32[0].lossG, accuracy: 0.01 * abs(float32[0].lossG))
        XCTAssertNotEqual(bfloat16[0].lossG, float32[0].lossG, "the bfloat16 mode changed nothing")
        for (b, f) in zip(bfloat16, float32) {
            XCTAssertTrue(b.isFinite)
            XCTAssertEqual(b.lossD, f.lossD, accuracy: 0.1 * abs(f.lossD))
            XCTAssertEqual(b.lossG, f.lossG, accuracy: 0.1 * abs(f.lossG))
        }
    }

    func testPrecisionKeyInConfig() throws {
        XCTAssertEqual(try TrainingConfig.decode(Data("{}".utf8), label: "cfg").precision, .float32)
        let half = try TrainingConfig.decode(Data(#"{"precision": "bfloat16"}"#.utf8), label: "cfg")
        XCTAssertEqual(half.precision, .bfloat16)
        XCTAssertEqual(try TrainingConfig.decode(half.encoded(), label: "saved"), half)
        XCTAssertThrowsError(try TrainingConfig.decode(Data(#"{"precision": "fp8"}"#.utf8), label: "cfg.json")) {
            XCTAssertTrue("\($0)".contains("precision"), "\($0)")
        }
    }
}
