import NeuralNet
import Tensor
import XCTest

/// The pooling module: window, default stride and the reduction it names.
final class PoolingLayerTests: XCTestCase {
    func testMaxAndAveragePoolingWithDefaultStride() {
        // One 4 × 4 channel: 0, 1, ..., 15 row by row.
        let x = Variable(Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init)))
        let maxPooled = Pool2d(.max, kernel: 2)(x)
        XCTAssertEqual(maxPooled.shape, [1, 1, 2, 2])
        XCTAssertEqual(maxPooled.value.values, [5, 7, 13, 15])
        let averaged = Pool2d(.average, kernel: 2)(x)
        XCTAssertEqual(averaged.value.values, [2.5, 4.5, 10.5, 12.5])
        // Padding is left out of the average (count_include_pad=False): the corner window of
        // a 3 × 3 window with padding 1 and stride 2 averages 4 values, not 9.
        let padded = Pool2d(.average, kernel: 3, stride: 2, padding: 1)(x)
        XCTAssertEqual(padded.value.values[0], (0 + 1 + 4 + 5) / 4)
    }
}
