/// Squared Euclidean distances between the rows of two feature matrices, produced a block
/// of rows at a time (‖a‖² + ‖b‖² − 2 aᵀb through float32 BLAS) so that 10,000 x 10,000
/// distances never need 400 MB at once.
struct PairwiseDistances {
    let a: [Float]
    let b: [Float]
    let dimension: Int
    /// Rows of `a` per block.
    var blockRows = 512

    var rowsA: Int { a.count / dimension }
    var rowsB: Int { b.count / dimension }

    /// Calls `body(firstRow, rows, distances)` for consecutive blocks of rows of `a`, where
    /// `distances[r * rowsB + j]` is the squared distance from row `firstRow + r` to row `j`.
    func forEachBlock(_ body: (Int, Int, UnsafeBufferPointer<Float>) -> Void) {
        let normsA = Self.squaredNorms(a, dimension)
        let normsB = Self.squaredNorms(b, dimension)
        let nb = rowsB
        var block = [Float](repeating: 0, count: min(blockRows, rowsA) * nb)
        a.withUnsafeBufferPointer { aBuffer in
            block.withUnsafeMutableBufferPointer { out in
                for first in stride(from: 0, to: rowsA, by: blockRows) {
                    let rows = min(blockRows, rowsA - first)
                    DenseLinearAlgebra.innerProducts(
                        aBuffer.baseAddress! + first * dimension, rowsA: rows, b, rowsB: nb,
                        dimension: dimension, into: out.baseAddress!)
                    for r in 0..<rows {
                        let na = normsA[first + r]
                        for j in 0..<nb {
                            // Rounding can push a zero distance slightly negative.
                            out[r * nb + j] = max(0, na + normsB[j] - 2 * out[r * nb + j])
                        }
                    }
                    body(first, rows, UnsafeBufferPointer(rebasing: out[..<(rows * nb)]))
                }
            }
        }
    }

    /// For each row of `a`, the squared distance to its k-th nearest other row (itself
    /// excluded, duplicates counted), for every k in `ks`: `result[kIndex][row]`.
    static func nearestNeighbourRadii(
        _ a: [Float], dimension: Int, ks: [Int]
    ) -> [[Float]] {
        let largest = ks.max()!
        let distances = PairwiseDistances(a: a, b: a, dimension: dimension)
        let n = distances.rowsA
        precondition(largest < n, "k = \(largest) needs more than \(n) samples")
        var radii = ks.map { _ in [Float](repeating: 0, count: n) }
        var nearest = [Float](repeating: .infinity, count: largest)
        distances.forEachBlock { first, rows, block in
            for r in 0..<rows {
                // `nearest` keeps the `largest` smallest distances seen, in ascending order.
                for i in nearest.indices { nearest[i] = .infinity }
                for j in 0..<n where j != first + r {
                    let value = block[r * n + j]
                    guard value < nearest[largest - 1] else { continue }
                    var slot = largest - 1
                    while slot > 0, nearest[slot - 1] > value {
                        nearest[slot] = nearest[slot - 1]
                        slot -= 1
                    }
                    nearest[slot] = value
                }
                for (index, k) in ks.enumerated() { radii[index][first + r] = nearest[k - 1] }
            }
        }
        return radii
    }

    private static func squaredNorms(_ x: [Float], _ dimension: Int) -> [Float] {
        (0..<(x.count / dimension)).map { row in
            var sum: Float = 0
            for j in 0..<dimension { sum += x[row * dimension + j] * x[row * dimension + j] }
            return sum
        }
    }
}
