import Tensor
import XCTest

/// Finite-difference checks of element-wise ops, reductions, reshapes, products and losses.
final class PointwiseGradientTests: XCTestCase {
    func testArithmetic() {
        var check = GradientCheck(seed: 1)
        let shape = [check.int(1...3), check.int(1...4), check.int(2...5), check.int(2...5)]
        let a = check.tensor(shape)
        let b = check.tensor(shape)
        // Polynomials of degree ≤ 2: central differences are exact up to rounding (1e-3).
        check.check("add", [a, b], tolerance: 1e-3) { $0[0] + $0[1] }
        check.check("sub", [a, b], tolerance: 1e-3) { $0[0] - $0[1] }
        check.check("mul", [a, b], tolerance: 1e-3) { $0[0] * $0[1] }
        check.check("scale and shift", [a], tolerance: 1e-3) { $0[0] * 2.5 + 0.75 }
        check.check("negate", [a], tolerance: 1e-3) { -$0[0] }
        check.check("squared", [a], tolerance: 1e-3) { $0[0].squared() }
        let mask = check.tensor(shape)
        check.check("mul by constant", [a], tolerance: 1e-3) { $0[0].multiplied(byConstant: mask) }
    }

    func testActivations() {
        var check = GradientCheck(seed: 2)
        let shape = [check.int(1...3), check.int(1...4), check.int(2...6)]
        let x = check.awayFromZero(shape)
        // Piecewise linear away from the kink: exact up to rounding (1e-3).
        check.check("relu", [x], tolerance: 1e-3) { $0[0].relu() }
        check.check("leakyRelu", [x], tolerance: 1e-3) { $0[0].leakyRelu(slope: 0.2) }
        // Smooth with |f'''| ≤ 2: truncation ε²/6·2 ≈ 3e-5 plus rounding.
        // Tolerance 1e-3 relative (observed ≤ 2e-5).
        let wide = check.tensor(shape, low: -3, high: 3)
        check.check("tanh", [wide], tolerance: 1e-3) { $0[0].tanh() }
        check.check("sigmoid", [wide], tolerance: 1e-3) { $0[0].sigmoid() }
    }

    func testReductionsAndReshapes() {
        var check = GradientCheck(seed: 3)
        let shape = [check.int(1...3), check.int(2...4), check.int(2...5), check.int(2...5)]
        let x = check.tensor(shape)
        let bias = check.tensor([shape[1]])
        // All linear: exact up to rounding (1e-3).
        check.check("sum", [x], tolerance: 1e-3) { $0[0].sum() }
        check.check("mean", [x], tolerance: 1e-3) { $0[0].mean() }
        check.check("sumPerChannel", [x], tolerance: 1e-3) { $0[0].sumPerChannel() }
        check.check("addingPerChannel", [x, bias], tolerance: 1e-3) {
            $0[0].addingPerChannel($0[1])
        }
        check.check("flattened", [x], tolerance: 1e-3) { $0[0].flattened() }
        check.check("reshaped", [x], tolerance: 1e-3) {
            $0[0].reshaped([shape[0] * shape[1], shape[2] * shape[3]])
        }
        let others = [
            check.tensor([shape[0], check.int(1...3), shape[2], shape[3]]),
            check.tensor([shape[0], 1, shape[2], shape[3]]),
        ]
        check.check("concatenateChannels", [x] + others, tolerance: 1e-3) {
            Variable.concatenateChannels($0)
        }
    }

    func testMatrixProducts() {
        var check = GradientCheck(seed: 4)
        let (m, k, n) = (check.int(1...5), check.int(1...6), check.int(1...5))
        // Bilinear: exact up to rounding (1e-3).
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = check.tensor(ta ? [k, m] : [m, k])
            let b = check.tensor(tb ? [n, k] : [k, n])
            check.check("matmul ta=\(ta) tb=\(tb)", [a, b], tolerance: 1e-3) {
                Variable.matmul($0[0], $0[1], transposeA: ta, transposeB: tb)
            }
        }
        let x = check.tensor([m, k])
        let w = check.tensor([n, k])
        let bias = check.tensor([n])
        check.check("linear", [x, w, bias], tolerance: 1e-3) {
            $0[0].linear(weight: $0[1], bias: $0[2])
        }
        check.check("linear without bias", [x, w], tolerance: 1e-3) {
            $0[0].linear(weight: $0[1], bias: nil)
        }
    }

    func testLosses() {
        var check = GradientCheck(seed: 5)
        let count = check.int(2...12)
        let logits = check.tensor([count], low: -4, high: 4)
        let targets = check.tensor([count], low: 0, high: 1)
        // Smooth, second derivative ≤ 1/4: truncation ≈ ε²·|f'''|/6.
        // Tolerance 1e-3 relative (observed ≤ 1e-5).
        check.check("binaryCrossEntropy", [logits], tolerance: 1e-3) {
            $0[0].binaryCrossEntropy(logitsAgainst: targets)
        }
        let classes = check.int(2...6)
        let rows = check.tensor([count, classes], low: -3, high: 3)
        let labels = (0..<count).map { _ in check.int(0...(classes - 1)) }
        check.check("crossEntropy", [rows], tolerance: 1e-3) { $0[0].crossEntropy(labels: labels) }
    }
}
