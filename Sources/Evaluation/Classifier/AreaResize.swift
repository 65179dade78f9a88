/// Resamples square one-channel float images by area averaging: each output pixel is the
/// mean of the input over its footprint, pixels cut by the footprint's edge weighted by the
/// overlap (an exact box filter at any scale, as OpenCV's INTER_AREA and Pillow's BOX).
///
/// Used to bring 64x64 generator output down to the classifier's 28x28. Unlike bilinear
/// without antialias, every input pixel contributes, so a 28 -> 64 -> 28 round trip through
/// Pillow's bilinear upscale returns close to the original image.
struct AreaResize {
    let inputSide: Int, outputSide: Int
    /// Row-major `outputSide` x `inputSide`; each row sums to 1.
    private let weights: [Float]

    init(from inputSide: Int, to outputSide: Int) {
        precondition(inputSide > 0 && outputSide > 0, "AreaResize needs positive sizes")
        self.inputSide = inputSide
        self.outputSide = outputSide
        let scale = Double(inputSide) / Double(outputSide)
        var weights = [Float](repeating: 0, count: outputSide * inputSide)
        for i in 0..<outputSide {
            let low = Double(i) * scale, high = Double(i + 1) * scale
            let first = Int(low.rounded(.down))
            let last = min(Int(high.rounded(.up)), inputSide)
            for x in first..<last {
                let overlap = min(Double(x + 1), high) - max(Double(x), low)
                weights[i * inputSide + x] = Float(overlap / scale)
            }
        }
        self.weights = weights
    }

    /// Resizes one image (`inputSide`² values) into `target` (`outputSide`² values);
    /// `scratch` holds the `inputSide` x `outputSide` image between the two passes.
    func resize(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let n = inputSide, m = outputSide
        weights.withUnsafeBufferPointer { w in
            for y in 0..<n {
                for x in 0..<m {
                    var total: Float = 0
                    for k in 0..<n { total += w[x * n + k] * source[y * n + k] }
                    scratch[y * m + x] = total
                }
            }
            for y in 0..<m {
                for x in 0..<m {
                    var total: Float = 0
                    for k in 0..<n { total += w[y * n + k] * scratch[k * m + x] }
                    target[y * m + x] = total
                }
            }
        }
    }
}
