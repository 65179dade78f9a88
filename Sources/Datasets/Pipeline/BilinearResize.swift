/// Resizes square uint8 images exactly as Pillow's `Image.resize(size, BILINEAR)` does, which
/// is what torchvision's `Resize` runs on PIL images in the reference pipeline.
///
/// Pillow separates the resize into a horizontal then a vertical pass. For each output
/// position it centres a triangle filter (support 1, widened by the scale when shrinking) at
/// `(i + 0.5) * scale`, normalises the weights, and turns them into 22-bit fixed point. Each
/// pass rounds its sums to uint8, so the intermediate image is uint8 too.
public struct BilinearResize: Sendable {
    /// Input and output side lengths.
    public let inputSide: Int, outputSide: Int
    /// For each output position: first input tap, number of taps, and weights (flat,
    /// `maxTaps` slots per position) in fixed point.
    private let starts: [Int], counts: [Int], weights: [Int32]
    private let maxTaps: Int

    /// Pillow's `PRECISION_BITS` (32 - 8 - 2): weights are scaled by 2^22.
    private static let precisionBits: Int32 = 22

    /// Precomputes the filter weights for one size change (shared by both passes).
    public init(from inputSide: Int, to outputSide: Int) {
        precondition(inputSide > 0 && outputSide > 0, "BilinearResize needs positive sizes")
        self.inputSide = inputSide
        self.outputSide = outputSide

        let scale = Double(inputSide) / Double(outputSide)
        let filterScale = max(scale, 1)
        let support = 1.0 * filterScale
        let inverseScale = 1.0 / filterScale
        maxTaps = Int(support.rounded(.up)) * 2 + 1
        var starts: [Int] = []
        var counts: [Int] = []
        var weights = [Int32](repeating: 0, count: outputSide * maxTaps)
        for i in 0..<outputSide {
            let center = (Double(i) + 0.5) * scale
            // Pillow truncates `center -/+ support + 0.5` toward zero to pick the taps.
            let first = max(Int(center - support + 0.5), 0)
            let last = min(Int(center + support + 0.5), inputSide)
            var taps = (first..<last).map { x in
                max(0, 1 - abs((Double(x) - center + 0.5) * inverseScale))
            }
            let total = taps.reduce(0, +)
            if total != 0 { taps = taps.map { $0 / total } }
            starts.append(first)
            counts.append(taps.count)
            for (k, w) in taps.enumerated() {
                let scaled = w * Double(1 << BilinearResize.precisionBits)
                weights[i * maxTaps + k] = Int32(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
            }
        }
        self.starts = starts
        self.counts = counts
        self.weights = weights
    }

    /// Resizes one image from `source` (`inputSide`² bytes) into `target` (`outputSide`²);
    /// `scratch` holds the intermediate `inputSide x outputSide` image.
    public func resize(
        _ source: UnsafePointer<UInt8>, into target: UnsafeMutablePointer<UInt8>,
        scratch: UnsafeMutablePointer<UInt8>
    ) {
        let n = inputSide
        let m = outputSide
        weights.withUnsafeBufferPointer { w in
            for y in 0..<n {
                for x in 0..<m {
                    scratch[y * m + x] = sum(
                        w.baseAddress! + x * maxTaps, counts[x], source + y * n + starts[x],
                        step: 1)
                }
            }
            for y in 0..<m {
                let taps = w.baseAddress! + y * maxTaps
                for x in 0..<m {
                    target[y * m + x] = sum(taps, counts[y], scratch + starts[y] * m + x, step: m)
                }
            }
        }
    }

    /// Fixed-point weighted sum with Pillow's rounding (start at half) and clipping.
    @inline(__always)
    private func sum(
        _ taps: UnsafePointer<Int32>, _ count: Int, _ base: UnsafePointer<UInt8>, step: Int
    ) -> UInt8 {
        var total: Int32 = 1 << (BilinearResize.precisionBits - 1)
        for k in 0..<count { total &+= Int32(base[k * step]) &* taps[k] }
        return UInt8(clamping: total >> BilinearResize.precisionBits)
    }
}
