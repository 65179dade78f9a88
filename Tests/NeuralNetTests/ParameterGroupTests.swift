import NeuralNet
import Tensor
import XCTest

/// Weight decay with and without the batch-norm parameters.
final class ParameterGroupTests: XCTestCase {
    private func network() -> Sequential {
        Sequential([Conv2d(2, 3, kernel: (3, 3), bias: false), BatchNorm2d(3), ReLU()])
    }

    func testBatchNormParametersCanBeExemptFromDecay() {
        let net = network()
        let groups = ParameterGroup.groups(of: net, learningRate: 0.1, weightDecay: 0.5, decayBatchNorm: false)
        XCTAssertEqual(groups.count, 2)
        XCTAssertEqual(groups[0].parameters.map(\.shape), [[3, 2, 3, 3]])
        XCTAssertEqual(groups[0].weightDecay, 0.5)
        XCTAssertEqual(groups[1].parameters.map(\.shape), [[3], [3]])
        XCTAssertEqual(groups[1].weightDecay, 0)

        let single = ParameterGroup.groups(of: net, learningRate: 0.1, weightDecay: 0.5)
        XCTAssertEqual(single.count, 1)
        XCTAssertEqual(single[0].parameters.count, 3)
    }

    /// With zero gradients only decay moves a parameter: the convolution shrinks, the batch
    /// norm scale stays at 1.
    func testAdamStepLeavesExemptParametersAlone() {
        let net = network()
        let conv = net.parameters[0], scale = net.parameters[1]
        conv.value.fill(1)
        for p in net.parameters { p.grad = Tensor(shape: p.shape) }
        let adam = Adam(ParameterGroup.groups(of: net, learningRate: 0.1, weightDecay: 0.5, decayBatchNorm: false))
        adam.step()
        XCTAssertTrue(conv.value.values.allSatisfy { $0 < 1 }, "decayed weights did not shrink")
        XCTAssertEqual(scale.value.values, [1, 1, 1])
    }
}
