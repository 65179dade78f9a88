import Tensor
import XCTest

/// Finite-difference checks of convolutions on odd geometries. Both ops are bilinear in
/// (input, weight), so central differences are exact up to float32 rounding: 1e-3 relative.
final class ConvolutionGradientTests: XCTestCase {
    /// Kernel, stride, padding and input size per case: square and 1x7 / 7x1 kernels, stride
    /// 2, asymmetric padding and non-square inputs.
    let geometries:
        [(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), size: (Int, Int))] = [
            ((3, 3), (1, 1), (1, 1), (5, 7)),
            ((3, 3), (2, 2), (1, 1), (7, 6)),
            ((1, 7), (1, 1), (0, 3), (4, 9)),
            ((7, 1), (1, 1), (3, 0), (9, 4)),
            ((4, 4), (2, 2), (1, 1), (6, 8)),
            ((2, 3), (2, 1), (0, 1), (5, 5)),
            ((1, 1), (1, 1), (0, 0), (3, 4)),
        ]

    func testConv2d() {
        var check = GradientCheck(seed: 11)
        for g in geometries {
            let (batch, cin, cout) = (check.int(1...2), check.int(1...3), check.int(1...3))
            let x = check.tensor([batch, cin, g.size.0, g.size.1])
            let w = check.tensor([cout, cin, g.kernel.0, g.kernel.1])
            check.check("conv2d \(g)", [x, w], tolerance: 1e-3) {
                $0[0].conv2d(weight: $0[1], stride: g.stride, padding: g.padding)
            }
        }
    }

    func testConvTranspose2d() {
        var check = GradientCheck(seed: 12)
        for g in geometries {
            // Output padding is allowed below the stride (as in PyTorch).
            let outputPadding = (g.stride.0 - 1, g.stride.1 - 1)
            let (batch, cin, cout) = (check.int(1...2), check.int(1...3), check.int(1...3))
            let x = check.tensor([batch, cin, g.size.0, g.size.1])
            let w = check.tensor([cin, cout, g.kernel.0, g.kernel.1])
            check.check(
                "convTranspose2d \(g) outputPadding \(outputPadding)", [x, w], tolerance: 1e-3
            ) {
                $0[0].convTranspose2d(
                    weight: $0[1], stride: g.stride, padding: g.padding,
                    outputPadding: outputPadding)
            }
        }
    }
}
