import Tensor
import XCTest

/// Finite-difference checks of batch normalisation and pooling.
final class NormalizationPoolingGradientTests: XCTestCase {
    func testBatchNormTraining() {
        var check = GradientCheck(seed: 21)
        let shape = [check.int(2...3), check.int(1...4), check.int(2...4), check.int(2...4)]
        let x = check.tensor(shape, low: -2, high: 2)
        let gamma = check.tensor([shape[1]], low: 0.5, high: 1.5)
        let beta = check.tensor([shape[1]])
        // Smooth but with 1/σ terms: truncation ≈ ε²·|f'''|/6.
        // Tolerance 1e-3 relative (observed ≤ 3e-5). With a fused (leaky) ReLU it is piecewise
        // smooth; a kink within ε of an input is unlikely at these sizes.
        for slope: Float? in [nil, 0.2, 0] {
            check.check("batchNorm training, rectifier \(slope.map { "\($0)" } ?? "none")",
                        [x, gamma, beta], tolerance: 1e-3) {
                $0[0].batchNorm(
                    gamma: $0[1], beta: $0[2], runningMean: nil, runningVar: nil,
                    training: true, eps: 1e-5, rectifierSlope: slope)
            }
        }
    }

    func testBatchNormEvaluation() {
        var check = GradientCheck(seed: 22)
        let shape = [check.int(1...3), check.int(1...4), check.int(2...4), check.int(2...4)]
        let x = check.tensor(shape)
        let gamma = check.tensor([shape[1]], low: 0.5, high: 1.5)
        let beta = check.tensor([shape[1]])
        let mean = check.tensor([shape[1]])
        let variance = check.tensor([shape[1]], low: 0.5, high: 2)
        // Affine in every input: exact up to rounding (1e-3).
        check.check("batchNorm evaluation", [x, gamma, beta], tolerance: 1e-3) {
            $0[0].batchNorm(
                gamma: $0[1], beta: $0[2], runningMean: mean, runningVar: variance,
                training: false, eps: 1e-3)
        }
    }

    func testPooling() {
        var check = GradientCheck(seed: 23)
        for (kernel, stride, padding) in [(2, 2, 0), (3, 2, 1), (3, 1, 1), (3, 2, 0)] {
            let shape = [check.int(1...2), check.int(1...3), check.int(5...8), check.int(5...8)]
            // Values 0.05 apart keep every window's maximum in place under ±ε: piecewise
            // linear, exact up to rounding (1e-3).
            let x = check.distinct(shape)
            check.check("maxPool2d k\(kernel) s\(stride) p\(padding)", [x], tolerance: 1e-3) {
                $0[0].maxPool2d(kernel: kernel, stride: stride, padding: padding)
            }
            check.check("avgPool2d k\(kernel) s\(stride) p\(padding)", [x], tolerance: 1e-3) {
                $0[0].avgPool2d(kernel: kernel, stride: stride, padding: padding)
            }
        }
        let x = check.tensor([
            check.int(1...3), check.int(1...4), check.int(2...6), check.int(2...6),
        ])
        check.check("globalAvgPool", [x], tolerance: 1e-3) { $0[0].globalAvgPool() }
    }
}
