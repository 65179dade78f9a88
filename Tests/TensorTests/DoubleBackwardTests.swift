import Tensor
import XCTest

/// Gradients of gradients (`createGraph`) against finite differences of first-order
/// gradients, shaped like a gradient penalty: P(x, w) = ‖∂D/∂x‖² for a small critic D.
final class DoubleBackwardTests: XCTestCase {
    /// D(x) = Σ sigmoid(linear(flatten(tanh(conv(leakyRelu(conv(x, w1)), w2 stride 2)))))·R.
    func critic(_ x: Variable, _ w1: Variable, _ w2: Variable, _ w3: Variable, probe: Tensor)
        -> Variable
    {
        let hidden = x.conv2d(weight: w1, padding: (1, 1)).leakyRelu(slope: 0.2)
        let features = hidden.conv2d(weight: w2, stride: (2, 2), padding: (1, 0)).tanh()
            .flattened()
        return (features.linear(weight: w3, bias: nil).sigmoid() * Variable(probe)).sum()
    }

    func testGradientPenaltyMatchesFiniteDifferences() {
        var check = GradientCheck(seed: 31)
        // x away from 0 keeps leakyRelu's inputs off the kink for small weights.
        let x = check.awayFromZero([2, 2, 5, 4])
        let w1 = check.tensor([3, 2, 3, 3], low: -0.3, high: 0.3)
        let w2 = check.tensor([2, 3, 3, 2], low: -0.3, high: 0.3)
        let w3 = check.tensor([2, 2 * 3 * 2], low: -0.5, high: 0.5)
        let probe = check.tensor([2, 2])
        let penalty = { (inputs: [Variable]) -> Variable in
            let d = self.critic(inputs[0], inputs[1], inputs[2], inputs[3], probe: probe)
            let gradient = Autodiff.gradients(
                of: d, withRespectTo: [inputs[0]], createGraph: true)[0]!
            return gradient.squared().sum()
        }
        // The penalty's gradient (through conv input/weight gradients, tanh, sigmoid and
        // products) against central differences of the penalty, itself a first-order
        // gradient: smooth, tolerance 1e-3 relative (observed ≤ 7e-5).
        check.check("gradient penalty", [x, w1, w2, w3], tolerance: 1e-3) { penalty($0) }
    }
}
