/// Savitzky–Golay smoothing: each point replaced by the value at that point of a
/// least-squares polynomial fitted to the window around it. Edges follow
/// `scipy.signal.savgol_filter`'s default `mode='interp'`: the first and last
/// `window / 2` points take the values of the polynomial fitted to the first and last
/// whole window.
public struct SavitzkyGolay: Equatable, Sendable {
    /// Points per window (odd).
    public var window: Int
    /// Degree of the fitted polynomial (below `window`).
    public var order: Int

    /// A filter; the defaults (21, 3) are what the loss-curve figures use.
    public init(window: Int = 21, order: Int = 3) {
        precondition(window % 2 == 1 && window > order && order >= 0,
                     "SavitzkyGolay: window \(window) must be odd and above order \(order)")
        self.window = window
        self.order = order
    }

    /// The smoothed series. A series shorter than the window is smoothed with the longest
    /// odd window it holds (scipy refuses it); one too short for the polynomial order is
    /// returned as it is.
    public func smooth(_ values: [Double]) -> [Double] {
        let length = min(window, values.count % 2 == 1 ? values.count : values.count - 1)
        guard length > order else { return values }
        let half = length / 2
        let n = values.count

        // One weight vector per evaluated offset within a window (0..<length).
        let weights = (0..<length).map { fitWeights(length: length, at: $0) }
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let (start, offset): (Int, Int)
            if i < half {
                (start, offset) = (0, i)
            } else if i >= n - half {
                (start, offset) = (n - length, i - (n - length))
            } else {
                (start, offset) = (i - half, half)
            }
            var sum = 0.0
            for j in 0..<length { sum += weights[offset][j] * values[start + j] }
            out[i] = sum
        }
        return out
    }

    /// Weights w with Σ w_j y_j = p(position) for the least-squares polynomial p through
    /// points at 0..<length: w = Vᵀ (VᵀV)⁻¹ e(position). Positions are scaled to [−1, 1]
    /// so VᵀV stays well conditioned.
    private func fitWeights(length: Int, at position: Int) -> [Double] {
        let centre = Double(length - 1) / 2
        let scale = max(centre, 1)
        let terms = order + 1
        func powers(_ p: Int) -> [Double] {
            let x = (Double(p) - centre) / scale
            var row = [Double](repeating: 1, count: terms)
            for k in stride(from: 1, to: terms, by: 1) { row[k] = row[k - 1] * x }
            return row
        }
        let rows = (0..<length).map(powers)
        var normal = [[Double]](repeating: [Double](repeating: 0, count: terms), count: terms)
        for row in rows {
            for r in 0..<terms {
                for c in 0..<terms { normal[r][c] += row[r] * row[c] }
            }
        }
        let z = solve(normal, powers(position))
        return rows.map { row in zip(row, z).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Gaussian elimination with partial pivoting for the small normal equations.
    private func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double] {
        var a = matrix, b = rhs
        let n = b.count
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let factor = a[row][col] / a[col][col]
                for k in col..<n { a[row][k] -= factor * a[col][k] }
                b[row] -= factor * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
