import Tensor
import TestSupport
import XCTest

/// Bilinear resizing against `F.interpolate(mode="bilinear", align_corners=False)` values
/// printed by PyTorch 2.15 for non-square down- and upscaling (the 28 -> 299 case is
/// checked in EvaluationTests against the FID reference).
final class BilinearInterpolationTests: XCTestCase {
    /// Input value i of a flattened plane: (i mod 7)/2 − (i mod 3).
    func input(height: Int, width: Int) -> Tensor {
        let values = (0..<(height * width)).map { Float($0 % 7) * 0.5 - Float($0 % 3) }
        return Tensor(shape: [1, 1, height, width], values: values)
    }

    func testDownscaleNonSquare() {
        let expected: [Float] = [
            -0.5208333134651184, -0.14583338797092438, 0.7291666865348816, 2.1041665077209473,
            -1.0625, -0.0625, 1.6875, 1.1875,
            -0.8541665077209473, 0.3958330750465393, 0.39583349227905273, 2.1458334922790527,
        ]
        let observed = BilinearInterpolation.forward(
            input(height: 5, width: 7), height: 3, width: 4)
        XCTAssertEqual(observed.shape, [1, 1, 3, 4])
        // Same float32 operations as ATen: within a few ulps (1e-6 absolute).
        XCTAssertNil(mismatch("5x7 -> 3x4", expected: expected, observed: observed.values,
                              abs: 1e-6, rel: 0))
    }

    func testUpscaleNonSquare() {
        let expected: [Float] = [
            0.0, -0.3500000238418579, -0.75, -0.25000011920928955, 1.5,
            0.0625, -0.2875000536441803, -0.59375, -0.12187513709068298, 1.34375,
            0.4375, 0.08749999105930328, 0.34375, 0.6468750834465027, 0.40625,
            0.8125, 0.4624999761581421, 1.28125, 1.4156250953674316, -0.53125,
            0.53125, 0.574999988079071, 1.5625, 1.5281250476837158, -0.8125,
            -0.40625, 0.42500007152557373, 1.1875, 0.9843751192092896, -0.4375,
            -1.34375, 0.2750001549720764, 0.8125, 0.44062504172325134, -0.0625,
            -1.5, 0.25000011920928955, 0.75, 0.3500000238418579, 0.0,
        ]
        let observed = BilinearInterpolation.forward(
            input(height: 3, width: 4), height: 8, width: 5)
        // Within a few ulps (1e-6 absolute).
        XCTAssertNil(mismatch("3x4 -> 8x5", expected: expected, observed: observed.values,
                              abs: 1e-6, rel: 0))
    }

    func testSameSizeIsIdentity() {
        let x = input(height: 4, width: 6)
        XCTAssertEqual(BilinearInterpolation.forward(x, height: 4, width: 6).values, x.values)
    }
}
