import NeuralNet
@testable import Tensor
import XCTest

/// A convolution without bias followed by a (leaky) ReLU runs fused inside `Sequential`; it
/// must give the bits of the two separate layers: output, input and weight gradients, and the
/// gradient of a gradient (as an R1 penalty takes through the discriminator).
final class FusedConvolutionTests: XCTestCase {
    private var savedThreads = 1
    override func setUp() { savedThreads = Engine.threads }
    override func tearDown() { Engine.setThreads(savedThreads) }

    private func tensor(_ shape: [Int], _ stream: inout RandomStream) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &stream) })
    }

    /// Output, dx, dw, and the weight gradient of Σ (dx)² (a second-order quantity).
    private func run(_ layers: (Variable) -> Variable, conv: Conv2d, x: Tensor, upstream: Tensor) -> [[Float]] {
        conv.weight.grad = nil
        let input = Variable(x.copy(), requiresGrad: true)
        let out = layers(input)
        let grads = Autodiff.gradients(of: out, withRespectTo: [input, conv.weight],
                                       seed: Variable(upstream), createGraph: true)
        let penalty = grads[0]!.squared().sum()
        penalty.backward()
        return [out.value.values, grads[0]!.value.values, grads[1]!.value.values, conv.weight.grad!.values]
    }

    func testFusedMatchesSeparateLayersBitForBit() {
        var stream = RandomStream(seed: 11, purpose: "fused-convolution-test")
        // (batch, in, out, size, kernel, stride, padding, slope): a chunked convolution and
        // a dense one (kernel = whole input), a leaky ReLU and a ReLU.
        for (batch, cin, cout, size, kernel, stride, padding, slope) in
            [(5, 3, 4, 9, 4, 2, 1, Float(0.2)), (3, 2, 6, 8, 3, 1, 1, 0), (4, 5, 7, 4, 4, 1, 0, 0.2)] {
            let x = tensor([batch, cin, size, size], &stream)
            let weight = tensor([cout, cin, kernel, kernel], &stream)
            let outSize = (size + 2 * padding - kernel) / stride + 1
            let upstream = tensor([batch, cout, outSize, outSize], &stream)
            for threads in [1, 2] {
                Engine.setThreads(threads)
                let conv = Conv2d(cin, cout, kernel: kernel, stride: stride, padding: padding, bias: false)
                conv.weight.value.data.update(from: weight.data, count: weight.count)
                let rectifier: Module = slope == 0 ? ReLU() : LeakyReLU(slope)
                let network = Sequential([conv, rectifier])
                let fused = run({ input in
                    let out = network(input)
                    XCTAssertEqual(out.label, "conv2d_rectifier", "Sequential ran the two layers fused")
                    return out
                }, conv: conv, x: x, upstream: upstream)
                let separate = run({ rectifier(conv($0)) }, conv: conv, x: x, upstream: upstream)
                let label = "kernel \(kernel) stride \(stride), slope \(slope), \(threads) threads"
                for (name, (a, b)) in zip(["output", "dx", "dw", "d(Σ dx²)/dw"], zip(fused, separate)) {
                    XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(name), \(label)")
                }
                XCTAssertTrue(fused[0].contains { slope == 0 ? $0 == 0 : $0 < 0 }, "the rectifier acted")
            }
        }
    }
}
