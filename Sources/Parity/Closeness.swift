/// Element-wise comparison with PyTorch's rule |observed - expected| <= abs + rel * |expected|.
/// Returns nil when every element is close, else a message with the worst element, its
/// expected and observed values and the tolerance, for a test failure.
public func mismatch(
    _ label: String, expected: [Float], observed: [Float], abs: Double, rel: Double
) -> String? {
    guard expected.count == observed.count else {
        return "\(label): expected \(expected.count) values, observed \(observed.count)"
    }
    var worst = -1
    var worstExcess = 0.0
    for i in expected.indices {
        let e = Double(expected[i]), o = Double(observed[i])
        let excess = Swift.abs(o - e) - (abs + rel * Swift.abs(e))
        if !(excess <= 0) && (worst < 0 || !(excess <= worstExcess)) {
            worst = i
            worstExcess = excess
        }
    }
    guard worst >= 0 else { return nil }
    let bad = expected.indices.filter {
        !(Swift.abs(Double(observed[$0]) - Double(expected[$0])) <= abs + rel * Swift.abs(Double(expected[$0])))
    }.count
    return "\(label): \(bad) of \(expected.count) values off; worst at [\(worst)]: expected "
        + "\(expected[worst]), observed \(observed[worst]), tolerance abs \(abs) + rel \(rel)"
}
