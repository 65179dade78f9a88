import Tensor
import XCTest

/// Finite-difference checking of reverse-mode gradients.
///
/// For a function f of several tensors, the scalar probe L = Σ f(x)·R with a fixed random R
/// has gradient ∂L/∂xᵢ; each analytic component is compared with the central difference
/// (L(x + εeᵢ) − L(x − εeᵢ)) / 2ε evaluated in float32.
struct GradientCheck {
    var random: RandomStream
    /// Step of the central difference.
    var eps: Float = 1e-2
    /// Components compared per input (all of them when the input is smaller).
    var samples = 24

    init(seed: UInt64) { random = RandomStream(seed: seed, purpose: "gradient-check") }

    /// A tensor of uniform values in [low, high).
    mutating func tensor(_ shape: [Int], low: Float = -1, high: Float = 1) -> Tensor {
        let t = Tensor(uninitialized: shape)
        random.fillUniform(t.buffer, low: low, high: high)
        return t
    }

    /// Uniform values in ±[0.1, 1): kept clear of 0, where ReLU-like ops have a kink.
    mutating func awayFromZero(_ shape: [Int]) -> Tensor {
        let t = tensor(shape, low: 0.1, high: 1)
        for i in 0..<t.count where random.nextUniform() < 0.5 { t.data[i] = -t.data[i] }
        return t
    }

    /// Distinct values 0.05 apart in random order: no two within ε of each other, so max
    /// pooling picks the same element after every perturbation.
    mutating func distinct(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        let order = random.permutation(count)
        return Tensor(shape: shape, values: order.map { Float($0) * 0.05 - Float(count) * 0.025 })
    }

    /// An integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// Asserts that analytic and numeric gradients of Σ f(inputs)·R agree within
    /// |analytic − numeric| ≤ tolerance · max(1, |numeric|).
    mutating func check(
        _ label: String, _ inputs: [Tensor], tolerance: Double,
        file: StaticString = #filePath, line: UInt = #line,
        _ f: ([Variable]) -> Variable
    ) {
        let variables = inputs.map { Variable($0, requiresGrad: true) }
        let output = f(variables)
        let probe = tensor(output.shape)
        func loss(_ vs: [Variable]) -> Variable { (f(vs) * Variable(probe)).sum() }
        let analytic = Autodiff.gradients(of: loss(variables), withRespectTo: variables)

        for (k, input) in inputs.enumerated() {
            guard let gradient = analytic[k]?.value else {
                XCTFail("\(label): no gradient for input \(k)", file: file, line: line)
                continue
            }
            let indices =
                input.count <= samples
                ? Array(0..<input.count) : (0..<samples).map { _ in int(0...(input.count - 1)) }
            for i in indices {
                // Recording stays on: f may itself take gradients (penalties).
                let numeric = centralDifference(input, at: i) { loss(variables).scalar }
                let observed = Double(gradient.data[i])
                XCTAssertLessThanOrEqual(
                    abs(observed - numeric), tolerance * max(1, abs(numeric)),
                    "\(label): d/d input\(k)[\(i)] analytic \(observed), numeric \(numeric), "
                        + "tolerance \(tolerance) relative", file: file, line: line)
            }
        }
    }

    /// (L(x + εeᵢ) − L(x − εeᵢ)) / 2ε, restoring x[i] afterwards. The divisor is the
    /// step actually taken, as x ± ε rounds to float32.
    func centralDifference(_ x: Tensor, at i: Int, _ loss: () -> Float) -> Double {
        let saved = x.data[i]
        let up = saved + eps
        let down = saved - eps
        x.data[i] = up
        let plus = Double(loss())
        x.data[i] = down
        let minus = Double(loss())
        x.data[i] = saved
        return (plus - minus) / (Double(up) - Double(down))
    }
}
