import NeuralNet
@testable import Tensor
import XCTest

/// A batch norm followed by a (leaky) ReLU runs fused inside `Sequential`; the fused op must
/// give the very bits of the two separate ops, forward and backward, in both modes.
final class FusedNormalizationTests: XCTestCase {
    /// Input, upstream gradient and layer parameters drawn from one seed; a fifth of the
    /// inputs are exactly the channel's shift point so some normalised values sit at 0.
    private func sample(shape: [Int], seed: UInt64) -> (x: Tensor, upstream: Tensor, gamma: [Float], beta: [Float]) {
        var stream = RandomStream(seed: seed, purpose: "fused-normalization-test")
        let count = shape.reduce(1, *)
        let x = (0..<count).map { i in i % 5 == 0 ? 0.25 : Float.random(in: -2...2, using: &stream) }
        let upstream = (0..<count).map { _ in Float.random(in: -1...1, using: &stream) }
        let gamma = (0..<shape[1]).map { _ in Float.random(in: 0.5...1.5, using: &stream) }
        let beta = (0..<shape[1]).map { _ in Float.random(in: -0.5...0.5, using: &stream) }
        return (Tensor(shape: shape, values: x), Tensor(shape: shape, values: upstream), gamma, beta)
    }

    /// Output, input gradient, γ and β gradients, and the running statistics after the pass.
    private func run(_ network: Sequential, norm: BatchNorm2d, x: Tensor, upstream: Tensor) -> [[Float]] {
        let input = Variable(x.copy(), requiresGrad: true)
        let out = network(input)
        XCTAssertEqual(out.label, "batch_norm_rectifier", "Sequential ran the two layers fused")
        Autodiff.backward(out, seed: Variable(upstream))
        return [out.value.values, input.grad!.values, norm.weight.grad!.values, norm.bias.grad!.values,
                norm.runningMean.values, norm.runningVar.values]
    }

    func testFusedMatchesSeparateLayersBitForBit() {
        for (slope, training, shape) in [(Float(0.2), true, [3, 4, 5, 6]), (0, true, [2, 3, 7, 7]),
                                         (0.2, false, [2, 5, 4, 3]), (0, false, [1, 2, 3, 3])] {
            let s = sample(shape: shape, seed: UInt64(shape.reduce(0, +)))
            let rectifier: Module = slope == 0 ? ReLU() : LeakyReLU(slope)
            func layers() -> (Sequential, BatchNorm2d) {
                let norm = BatchNorm2d(shape[1])
                norm.weight.value.data.update(from: s.gamma, count: s.gamma.count)
                norm.bias.value.data.update(from: s.beta, count: s.beta.count)
                // Running statistics away from (0, 1) so evaluation mode is not trivial.
                for c in 0..<shape[1] {
                    norm.runningMean.data[c] = 0.1 * Float(c)
                    norm.runningVar.data[c] = 1 + 0.5 * Float(c)
                }
                norm.isTraining = training
                return (Sequential([norm, rectifier]), norm)
            }
            let (fusedNet, fusedNorm) = layers()
            let fused = run(fusedNet, norm: fusedNorm, x: s.x, upstream: s.upstream)
            // The same layers applied one by one, without Sequential's fusion.
            let (_, norm) = layers()
            let input = Variable(s.x.copy(), requiresGrad: true)
            let out = rectifier(norm(input))
            Autodiff.backward(out, seed: Variable(s.upstream))
            let separate = [out.value.values, input.grad!.values, norm.weight.grad!.values,
                            norm.bias.grad!.values, norm.runningMean.values, norm.runningVar.values]
            for (name, (a, b)) in zip(["output", "dx", "dγ", "dβ", "running mean", "running var"],
                                      zip(fused, separate)) {
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern),
                               "\(name), slope \(slope), training \(training), shape \(shape)")
            }
            // The rectifier did act: some outputs are negative (leaky) or exactly zero (ReLU).
            XCTAssertTrue(fused[0].contains { slope == 0 ? $0 == 0 : $0 < 0 })
        }
    }
}
